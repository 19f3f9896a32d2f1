import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../src/platform/observability/logger.ts';
import {
  PAYMENT_GATE_STEP,
  POOL_RESOURCE_ID,
  paymentBlockAlert,
  poolEmptyAlert,
  runStuckAlert,
  runsPastSla,
  stuckClientAlert,
  type NewAlert,
  type OpenRun,
} from '../../src/cockpit/alerts.rules.ts';
import type { Client } from '@temporalio/client';
import { ApprovalState, TenantId } from '../../src/platform/temporal/search-attributes.ts';
import { visibilityLiteral } from '../../src/platform/temporal/visibility-literal.ts';
import { runWebUiUrl } from '../../src/platform/temporal/web-ui.ts';
import { ALERTS_DETECT, type DetectionInput } from '../../src/cockpit/alerts-detect.contract.ts';

/**
 * Inserts the alert unless one of that type is already open for the resource, or (RUN_STUCK) one was
 * ever raised for the run (partial unique indexes), so overlapping detection runs never duplicate it.
 */
async function raiseAlert(em: EntityManager, a: NewAlert): Promise<boolean> {
  const rows = (await em.execute(
    `insert into alert_log (id, alert_type, alert_key, severity, resource_id, delivered_at, channel, metadata)
     values (?, ?, ?, ?, ?, now(), 'ops_log', ?)
     on conflict do nothing
     returning id`,
    [`alr_${randomUUID()}`, a.alertType, a.alertKey, a.severity, a.resourceId, JSON.stringify(a.metadata)],
  )) as unknown[];
  return rows.length > 0;
}

/** At most this many open runs past its SLA are read per operation and detection (the newest first). */
const OPEN_RUNS_SCANNED = 500;

export function createDetectAlertsActivities(deps: {
  orm: MikroORM;
  logger: Logger;
  client: Client;
  ui: { uiUrl: string | null; namespace: string };
}) {
  const log = deps.logger.child({ module: 'cockpit', op: ALERTS_DETECT.operation });

  /**
   * Open runs of `operation` started before `before`, from Temporal's visibility. A run waiting for
   * an approval is waiting for a person (its own deadline ends it), not stuck.
   */
  async function openRunsStartedBefore(operation: string, before: Date): Promise<OpenRun[]> {
    const runs: OpenRun[] = [];
    const query =
      `ExecutionStatus = 'Running' AND Operation = ${visibilityLiteral(operation)} ` +
      `AND StartTime < '${before.toISOString()}'`;
    for await (const r of deps.client.workflow.list({ query, pageSize: 100 })) {
      if (r.typedSearchAttributes.get(ApprovalState) === 'pending') continue;
      const tenantId = r.typedSearchAttributes.get(TenantId) ?? null;
      runs.push({ workflowId: r.workflowId, runId: r.runId, operation, tenantId, startedAt: r.startTime });
      if (runs.length >= OPEN_RUNS_SCANNED) break;
    }
    return runs;
  }

  return {
    /** Onboarding without progress past the threshold; muted and complete clients are skipped. */
    async detectStuckClients(input: DetectionInput): Promise<number> {
      const em = deps.orm.em.fork();
      const candidates = (await em.execute(
        `select s.id, s.client_id, s.current_step, s.last_progress_at, c.business_name
           from onboarding_state s join client c on c.id = s.client_id
          where s.stuck_detected_at is null and c.onboarding_complete = false and c.ops_alerts_muted = false
            and s.last_progress_at < now() - (? * interval '1 millisecond')
          limit 1000`,
        [input.stuckThresholdMs],
      )) as { id: string; client_id: string; current_step: string; last_progress_at: Date; business_name: string }[];
      let raised = 0;
      for (const s of candidates) {
        const stalledMs = Date.now() - new Date(s.last_progress_at).getTime();
        const { alert, severity, terminal } = stuckClientAlert(
          { clientId: s.client_id, step: s.current_step, businessName: s.business_name },
          stalledMs,
          input.stuckThresholdMs,
        );
        await em.transactional(async (tx) => {
          // Re-checks the flags under the update so a mute that lands meanwhile wins.
          const marked = (await tx.execute(
            `update onboarding_state s set stuck_detected_at = now(), stuck_severity = ?, is_terminal = ?,
              updated_at = now()
               from client c
              where s.id = ? and c.id = s.client_id and s.stuck_detected_at is null and c.ops_alerts_muted = false
             returning s.id`,
            [severity, terminal, s.id],
          )) as unknown[];
          if (!marked.length) return;
          const created = await raiseAlert(tx, alert);
          if (created) raised++;
        });
      }
      if (raised) log.info({ raised }, 'stuck clients alerted');
      return raised;
    },

    /** Clients waiting at the payment gate without active billing, alerted once until reset. */
    async detectPaymentBlocks(): Promise<number> {
      const em = deps.orm.em.fork();
      let raised = 0;
      await em.transactional(async (tx) => {
        const blocked = (await tx.execute(
          `update client c set payment_gate_alerted_at = now(), updated_at = now()
             from onboarding_state s
            where s.client_id = c.id and s.current_step = ? and c.payment_active = false
              and c.onboarding_complete = false and c.ops_alerts_muted = false and c.payment_gate_alerted_at is null
           returning c.id, c.business_name`,
          [PAYMENT_GATE_STEP],
        )) as { id: string; business_name: string }[];
        for (const c of blocked) {
          const created = await raiseAlert(tx, paymentBlockAlert({ clientId: c.id, businessName: c.business_name }));
          if (created) raised++;
        }
      });
      if (raised) log.info({ raised }, 'payment blocks alerted');
      return raised;
    },

    /**
     * Runs still open past their operation's SLA: one RUN_STUCK each, ever. A run whose tenant is a
     * client with muted alerts is skipped, like that client's other alerts.
     */
    async detectStuckRuns(slasMs: Record<string, number>): Promise<number> {
      const now = Date.now();
      const open: OpenRun[] = [];
      for (const [operation, slaMs] of Object.entries(slasMs))
        open.push(...(await openRunsStartedBefore(operation, new Date(now - slaMs))));
      const stuck = runsPastSla(open, slasMs, now);
      if (!stuck.length) return 0;
      const em = deps.orm.em.fork();
      const tenants = [...new Set(stuck.flatMap((s) => (s.run.tenantId ? [s.run.tenantId] : [])))];
      const muted = new Set(
        tenants.length
          ? (
              (await em.execute(`select id from client where id in (?) and ops_alerts_muted`, [tenants])) as {
                id: string;
              }[]
            ).map((c) => c.id)
          : [],
      );
      let raised = 0;
      for (const { run, openMs, slaMs } of stuck) {
        if (run.tenantId && muted.has(run.tenantId)) continue;
        const alert = runStuckAlert(run, openMs, slaMs, runWebUiUrl(deps.ui, run.workflowId, run.runId));
        if (await raiseAlert(em, alert)) raised++;
      }
      if (raised) log.warn({ raised }, 'runs past their SLA alerted');
      return raised;
    },

    /** No AVAILABLE number left: one open CRITICAL alert, resolved when numbers return. */
    async detectPoolEmpty(): Promise<number> {
      const em = deps.orm.em.fork();
      const [{ available }] = (await em.execute(
        `select count(*)::int as available from phone_number where status = 'AVAILABLE'`,
      )) as { available: number }[];
      if (available > 0) {
        await em.execute(
          `update alert_log set resolved_at = now() where alert_type = 'POOL_EMPTY' and resource_id = ? and
            resolved_at is null`,
          [POOL_RESOURCE_ID],
        );
        return 0;
      }
      const created = await raiseAlert(em, poolEmptyAlert());
      if (created) log.warn('twilio number pool is empty');
      return created ? 1 : 0;
    },
  };
}
