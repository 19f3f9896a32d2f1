export * from './client.entity.ts';
export * from './onboarding-state.entity.ts';
export * from './alert-log.entity.ts';
export * from './phone-number.entity.ts';
export * from './client-data.entities.ts';
export * from './client-deletion.entity.ts';
