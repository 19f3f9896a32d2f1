export * from './alert-log.entity.ts';
export * from './phone-number.entity.ts';
export * from './client-deletion.entity.ts';
