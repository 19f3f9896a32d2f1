import { z } from 'zod';
import { cursorParam } from '../platform/db/keyset.ts';
import { ALERT_TYPES } from './entities/alert-log.entity.ts';
import { SEVERITIES } from './entities/onboarding-state.entity.ts';

const pageLimit = (max: number, dflt: number) =>
  z.coerce.number({ error: `must be an integer between 1 and ${max}` }).int(`must be an integer between 1 and ${max}`).min(1, `must be between 1 and ${max}`).max(max, `must be between 1 and ${max}`).default(dflt);

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

export const stuckClientsQuery = z.object({
  severity: z.enum(SEVERITIES).optional(),
  terminal: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: pageLimit(200, 100),
  cursor: cursorParam.optional(),
});

export const clientsQuery = z.object({
  limit: pageLimit(200, 50),
  cursor: cursorParam.optional(),
});

export const muteAlertsBody = z.object({ muted: z.boolean({ error: 'must be a boolean (true or false)' }) }).strict();

/** No body is needed; anything sent must be empty so a mistaken payload is not silently ignored. */
export const emptyBody = z.object({}).strict();

export const deleteClientBody = z
  .object({ confirmBusinessName: z.string({ error: 'must be a string' }).max(500).optional() })
  .strict();

export const operationParams = z.object({ workflowId: z.string().min(1).max(300) });
