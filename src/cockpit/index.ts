import { durableServiceDeps, type ModuleManifest } from '../platform/module.ts';
import { MINUTE } from '../platform/time.ts';
import { adminApiEnvelope } from '../platform/http/envelopes.ts';
import { createCockpitActivities } from '../../activities/cockpit/index.ts';
import { ensureAlertDetectionSchedule } from './alert-schedule.ts';
import { CLIENT_DELETE } from './client-delete.contract.ts';
import { ALERTS_DETECT } from './alerts-detect.contract.ts';
import { createCockpitRoutes } from './cockpit.routes.ts';
import { createCockpitService } from './cockpit.service.ts';
import { seedCockpitDemo } from './demo-seed.ts';
import { AlertLogSchema, ClientDeletionSchema, PhoneNumberSchema } from './entities/index.ts';

/** Spec 000, the Operator Cockpit: alerts, stuck clients, soft resets, the irreversible DELETE. */
export const cockpitModule: ModuleManifest = {
  name: 'cockpit',
  entities: [AlertLogSchema, PhoneNumberSchema, ClientDeletionSchema],
  routes: (p) => {
    const service = createCockpitService({
      ...durableServiceDeps(p),
      deleteReplayWindowMs: p.config.cockpit.deleteReplayWindowMs,
      approvals: p.config.approvals,
      callbacks: p.config.callbacks,
    });
    return [createCockpitRoutes({ service, auth: p.operators.guard(), openapi: p.openapi })];
  },
  activities: (w) => createCockpitActivities(w),
  workflows: [CLIENT_DELETE.workflowType, ALERTS_DETECT.workflowType],
  operations: {
    // A deletion that failed (a safety check, a rolled-back transaction) deleted nothing: running it
    // again re-runs every check. One that committed ended completed, and is never run again.
    // Retried only by an admin, as DELETE itself is.
    [CLIENT_DELETE.operation]: { retryable: true, retryRole: 'admin', approvable: true, slaMs: MINUTE * 5 },
    [ALERTS_DETECT.operation]: { slaMs: MINUTE * 10 },
  },
  demoSeed: seedCockpitDemo,
  // spec 000: { success: false, error: { code, message, details? } }
  envelopes: { cockpit: adminApiEnvelope },
  onWorkerStart: async ({ client, config, operations }) => {
    await ensureAlertDetectionSchedule(client, {
      taskQueue: config.temporal.taskQueue,
      everyMs: config.alerts.detectionEveryMs,
      stuckThresholdMs: config.alerts.stuckThresholdMs,
      runSlasMs: Object.fromEntries([...operations].map(([operation, policy]) => [operation, policy.slaMs])),
    });
  },
};
