import type { ModuleManifest } from '../platform/module.ts';
import { HOUR } from '../platform/time.ts';
import { durableServiceDeps } from '../platform/module.ts';
import { perPrincipalBudget } from '../platform/ratelimit/rate-limit.ts';
import { createCallerActivities } from '../../activities/caller/index.ts';
import { PLACE_CALL } from './place-call.contract.ts';
import { createCallerAuth } from './caller-auth.ts';
import { createTokenIssuer } from './caller-tokens.ts';
import { createClientService } from './clients.service.ts';
import { createCallService } from './calls.service.ts';
import { createStatsService } from './stats.service.ts';
import { createCallerAdminRoutes, createCallerSecureRoutes, createTwilioCallbackRoutes } from './caller.routes.ts';
import { createCallerAuthRoutes } from './auth.routes.ts';
import { callerEnvelope } from './caller.envelope.ts';
import { seedCallerDemo } from './demo-seed.ts';
import { CallerCallEventSchema, CallerCallSchema, CallerClientSchema } from './entities/index.ts';

/** Spec 003, the outbound caller: JWT admin and client APIs, calls placed once as durable runs. */
export const callerModule: ModuleManifest = {
  name: 'caller',
  entities: [CallerClientSchema, CallerCallSchema, CallerCallEventSchema],
  routes: (p) => {
    const { caller, twilio } = p.config;
    const tokens = createTokenIssuer({ secret: caller.jwtSecret, ttlMs: caller.tokenTtlMs });
    const auth = createCallerAuth({ orm: p.orm, tokens, refusals: p.refusals });
    const clients = createClientService(p);
    const deps = {
      callBudget: perPrincipalBudget(p.limits.rateLimit, 'caller:calls', caller.callsPerMinute),
      admin: auth.admin,
      client: auth.client,
      clients,
      calls: createCallService({
        ...durableServiceDeps(p),
        clients,
        twilioAuthToken: twilio.authToken,
        publicUrl: caller.publicUrl,
        callbacks: p.config.callbacks,
      }),
      stats: createStatsService(p),
      openapi: p.openapi,
    };
    return [
      createCallerAuthRoutes({
        orm: p.orm,
        sessions: p.sessions,
        throttle: p.limits.loginThrottle,
        tokens,
        clients,
        openapi: p.openapi,
      }),
      createCallerAdminRoutes(deps),
      createCallerSecureRoutes(deps),
      createTwilioCallbackRoutes(deps),
    ];
  },
  activities: (w) => createCallerActivities(w),
  workflows: [PLACE_CALL.workflowType],
  operations: {
    // Never retried or stopped from the console: Twilio has no idempotency key, so a second run of a
    // failed call could ring someone twice; the call's own endpoint places a new one.
    // A call follows its status callbacks for up to 4 h; one open for an hour is worth a look.
    [PLACE_CALL.operation]: { slaMs: HOUR },
  },
  demoSeed: seedCallerDemo,
  // spec 003 names no error body: { success: false, message, code, errors? }
  envelopes: { caller: callerEnvelope },
  securitySchemes: {
    callerAdminToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    callerClientToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  },
};
