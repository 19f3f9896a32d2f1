import type { ModuleManifest } from '../platform/module.ts';
import { ConversationSchema, MessageSchema } from './entities/index.ts';
import { createCustomerRoutes, createSupportRoutes } from './support.routes.ts';
import { createSupportService } from './support.service.ts';

/** Spec 001, the AI support admin: operator pages and API, and the customers' channel. */
export const supportModule: ModuleManifest = {
  name: 'support',
  entities: [ConversationSchema, MessageSchema],
  routes: (p) => {
    const service = createSupportService({ orm: p.orm });
    return [
      createSupportRoutes({
        service,
        sessions: p.sessions,
        operators: p.operators,
        throttle: p.limits.loginThrottle,
        orm: p.orm,
        openapi: p.openapi,
      }),
      createCustomerRoutes({ service, rateLimit: p.limits.rateLimit, openapi: p.openapi }),
    ];
  },
  workflows: [],
  operations: {},
  envelopes: {
    // spec 001 admin API: { success: false, error: "<message>" } (+ details for invalid input)
    support: (e) => ({ success: false, error: e.message, ...(e.details ? { details: e.details } : {}) }),
    // spec 001 customer side: { error: "<message>" }
    customer: (e) => ({ error: e.message, ...(e.details ? { details: e.details } : {}) }),
  },
  securitySchemes: { conversationToken: { type: 'apiKey', in: 'header', name: 'X-Conversation-Token' } },
  rateLimits: { 'support-start': 30, 'support-message': 120 },
};
