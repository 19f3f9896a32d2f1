export * from './conversation.entity.ts';
export * from './message.entity.ts';
