import { z } from 'zod';
import { cursorParam, pageLimit } from '../platform/db/keyset.ts';
import { ALERT_TYPES } from './entities/alert-log.entity.ts';
import { SEVERITIES } from '../tenants/entities/index.ts';
import { callbackUrlSchema } from '../platform/callbacks/start-callback.ts';

export { emptyBody } from '../platform/http/validate.ts';

export const clientParams = z.object({
  id: z.string().min(1).max(200).describe('Client id'),
});

export const alertsQuery = z.object({
  limit: pageLimit(200, 50),
  alertType: z.enum(ALERT_TYPES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  resourceId: z.string().min(1).max(200).optional(),
  cursor: cursorParam.optional().describe('nextCursor from the previous page'),
});

// The spec calls these two lists "all clients": the default page is the largest,
// so a deployment of the spec's size answers in one page (nextCursor says if not).
export const stuckClientsQuery = z.object({
  severity: z.enum(SEVERITIES).optional(),
  terminal: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: pageLimit(200, 200),
  cursor: cursorParam.optional(),
});

export const clientsQuery = z.object({
  limit: pageLimit(200, 200),
  cursor: cursorParam.optional(),
});

export const muteAlertsBody = z.object({ muted: z.boolean({ error: 'must be a boolean (true or false)' }) }).strict();

export const deleteClientBody = z
  .object({
    confirmBusinessName: z.string({ error: 'must be a string' }).max(500).optional(),
    // Not in spec 000: where to POST the deletion's outcome when its run ends (see the README's callbacks).
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict();

export const operationParams = z.object({ workflowId: z.string().min(1).max(300) });
