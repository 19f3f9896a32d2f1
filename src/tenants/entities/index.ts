export * from './client.entity.ts';
export * from './onboarding-state.entity.ts';
export * from './customer.entity.ts';
export * from './booking.entity.ts';
export * from './lead.entity.ts';
export * from './client-user.entity.ts';
