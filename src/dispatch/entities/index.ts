export * from './customer.entity.ts';
export * from './driver.entity.ts';
export * from './driver-records.entity.ts';
export * from './order.entity.ts';
export * from './order-records.entity.ts';
export * from './payment.entity.ts';
export * from './pricing-config.entity.ts';
export * from './webhook-delivery.entity.ts';
