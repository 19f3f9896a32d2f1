export * from './caller-client.entity.ts';
export * from './caller-call.entity.ts';
