import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DurableServiceDeps } from '../platform/module.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { isoOrNull } from '../platform/http/wire.ts';
import { RUN_AUDITED_CHANNEL, actorLabel, recordAudit, type AuditContext } from '../platform/audit/audit.ts';
import { changeAudited } from '../platform/audit/audited-change.ts';
import {
  BY_CREATED_AT,
  cappedCount,
  fetchPage,
  keysetPage,
  type Cursor,
  type KeysetOrder,
} from '../platform/db/keyset.ts';
import { describeRun, startOrAttach } from '../platform/temporal/runs.ts';
import { notApproved, outcomeOrPlan } from '../platform/approvals/await-plan.ts';
import { approvalGateFor, type ApprovalSettings } from '../platform/approvals/approvals-config.ts';
import { APPROVAL_FAILURES, type ApprovalView } from '../platform/approvals/approval.contract.ts';
import type { AlertType } from './entities/alert-log.entity.ts';
import { AlertLog } from './entities/index.ts';
import { Client, OnboardingState, type Severity } from '../tenants/entities/index.ts';
import type { DeletionLog } from './deletion.rules.ts';
import {
  CLIENT_DELETE,
  DELETE_FAILURES,
  clientDeleteWorkflowId,
  isClientDeleteWorkflowId,
  type DeleteClientWorkflow,
} from './client-delete.contract.ts';
import { presentAlert, presentClient, presentStuckClient } from './cockpit.presenter.ts';
import { callBackWhenDone, checkCallbackUrl, type CallbackSettings } from '../platform/callbacks/start-callback.ts';

const KNOWN_FAILURES = new Set<string>([
  ...Object.values(DELETE_FAILURES),
  APPROVAL_FAILURES.rejected,
  APPROVAL_FAILURES.expired,
]);

/** Totals are exact up to this many rows, then reported as capped (see README). */
export const TOTAL_CAP = 10_000;

const BY_STUCK_AT: KeysetOrder = { column: 'stuck_detected_at', prop: 'stuckDetectedAt' };

export interface CockpitDeps extends DurableServiceDeps {
  /** A DELETE of a client deleted this recently answers that deletion's log (a retry), not 404. */
  deleteReplayWindowMs: number;
  /** Which operations wait for a second operator (APPROVALS), and for how long. */
  approvals: ApprovalSettings;
  callbacks: CallbackSettings;
}

/** What a DELETE answered: the deletion log, or a run still going after the wait bound. */
export type DeleteOutcome =
  | { state: 'deleted'; workflowId: string; log: DeletionLog }
  | { state: 'running'; workflowId: string }
  | { state: 'awaiting_approval'; workflowId: string; approval: ApprovalView };

export function createCockpitService(deps: CockpitDeps) {
  const em = () => deps.orm.em as EntityManager;
  const log = deps.logger.child({ module: 'cockpit' });

  /** Locks the client, applies `change`, audits before/after, all in one transaction. */
  async function mutateClient(
    id: string,
    who: AuditContext,
    action: string,
    change: (c: Client, tx: EntityManager) => Promise<void> | void,
  ) {
    const { row: client, before } = await changeAudited(
      em(),
      who,
      {
        entity: Client,
        id,
        action,
        resourceType: 'client',
        present: (c) => presentClient(c),
        notFound: () => notFound('client'),
      },
      change,
    );
    return { client, before };
  }

  /**
   * Without a resource filter the total comes from the trigger-maintained
   * alert_log_count table (exact, ≤ 12 rows read); with one, from a capped count
   * on the resource index (a client's alerts are few).
   */
  async function countAlerts(q: { alertType?: AlertType; severity?: Severity; resourceId?: string }) {
    if (q.resourceId) {
      const qb = em()
        .createQueryBuilder(AlertLog, 'a')
        .where({
          resourceId: q.resourceId,
          ...(q.alertType ? { alertType: q.alertType } : {}),
          ...(q.severity ? { severity: q.severity } : {}),
        });
      return cappedCount(em(), qb, TOTAL_CAP);
    }
    const [row] = (await em().execute(
      `select coalesce(sum(n), 0)::int as n from alert_log_count where (?::text is null or alert_type = ?) and
        (?::text is null or severity = ?)`,
      [q.alertType ?? null, q.alertType ?? null, q.severity ?? null, q.severity ?? null],
    )) as { n: number }[];
    return { total: row.n, totalCapped: false };
  }

  return {
    async listAlerts(q: {
      limit: number;
      alertType?: AlertType;
      severity?: Severity;
      resourceId?: string;
      cursor?: Cursor;
    }) {
      const filter = {
        ...(q.alertType ? { alertType: q.alertType } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.resourceId ? { resourceId: q.resourceId } : {}),
      };
      const page = keysetPage(em().createQueryBuilder(AlertLog, 'a').where(filter), 'a', BY_CREATED_AT, q.cursor);
      const [{ items, nextCursor }, count] = await Promise.all([
        fetchPage(page, BY_CREATED_AT, q.limit),
        countAlerts(q),
      ]);
      return {
        alerts: items.map(presentAlert),
        total: count.total,
        totalCapped: count.totalCapped,
        showing: items.length,
        nextCursor,
      };
    },

    async listStuckClients(q: { severity?: Severity; terminal?: boolean; limit: number; cursor?: Cursor }) {
      const qb = em()
        .createQueryBuilder(OnboardingState, 's')
        .where({
          stuckDetectedAt: { $ne: null },
          ...(q.severity ? { stuckSeverity: q.severity } : {}),
          ...(q.terminal !== undefined ? { isTerminal: q.terminal } : {}),
        });
      const { items, nextCursor } = await fetchPage(keysetPage(qb, 's', BY_STUCK_AT, q.cursor), BY_STUCK_AT, q.limit);
      const ids = items.map((s) => s.clientId);
      const [clients, alerts] = await Promise.all([
        em().find(Client, { id: { $in: ids } }),
        em().find(AlertLog, { alertType: 'STUCK_CLIENT', resourceId: { $in: ids }, resolvedAt: null }),
      ]);
      const byId = new Map(clients.map((c) => [c.id, c]));
      const alertBy = new Map(alerts.map((a) => [a.resourceId, a]));
      const now = new Date();
      const stuck = items
        .filter((s) => byId.has(s.clientId))
        .map((s) => presentStuckClient(s, byId.get(s.clientId)!, alertBy.get(s.clientId) ?? null, now));
      return { clients: stuck, showing: stuck.length, nextCursor };
    },

    async listClients(q: { limit: number; cursor?: Cursor }) {
      const qb = keysetPage(em().createQueryBuilder(Client, 'c'), 'c', BY_CREATED_AT, q.cursor);
      const [{ items, nextCursor }, count] = await Promise.all([
        fetchPage(qb, BY_CREATED_AT, q.limit),
        cappedCount(em(), em().createQueryBuilder(Client, 'c'), TOTAL_CAP),
      ]);
      return {
        clients: items.map((c) => presentClient(c)),
        total: count.total,
        totalCapped: count.totalCapped,
        showing: items.length,
        nextCursor,
      };
    },

    /** One round trip: the client and its latest onboarding state (a hot read path). */
    async getClient(id: string) {
      const [row] = (await em().execute(
        `select c.*, to_jsonb(s) as onboarding
           from client c
           left join lateral (select * from onboarding_state where client_id = c.id order by created_at desc limit
             1) s on true
          where c.id = ?`,
        [id],
      )) as (Record<string, unknown> & { onboarding: Record<string, unknown> | null })[];
      if (!row) throw notFound('client');
      const { onboarding, ...client } = row;
      return presentClient(em().map(Client, client), onboarding ? em().map(OnboardingState, onboarding) : null);
    },

    async setAlertsMuted(id: string, muted: boolean, who: AuditContext) {
      const { client } = await mutateClient(id, who, muted ? 'client.alerts.mute' : 'client.alerts.unmute', (c) => {
        c.opsAlertsMuted = muted;
      });
      log.info({ clientId: id, muted }, `ops alerts ${muted ? 'muted' : 'unmuted'}`);
      return { clientId: client.id, businessName: client.businessName, opsAlertsMuted: client.opsAlertsMuted };
    },

    /** Clears the suppression timestamp and closes the open PAYMENT_BLOCK alert, so detection may alert again. */
    async resetPaymentAlert(id: string, who: AuditContext) {
      const { client, before } = await mutateClient(id, who, 'client.payment-alert.reset', async (c, tx) => {
        c.paymentGateAlertedAt = null;
        await tx.nativeUpdate(
          AlertLog,
          { alertType: 'PAYMENT_BLOCK', resourceId: id, resolvedAt: null },
          { resolvedAt: new Date() },
        );
      });
      log.info(
        { clientId: id, previousAlert: before.paymentGateAlertedAt },
        `payment gate alert RESET for client ${id} (${client.businessName})`,
      );
      return {
        clientId: client.id,
        businessName: client.businessName,
        paymentGateAlertedAt: null,
        message: 'Payment gate alert suppression cleared. Client can be alerted again if stuck.',
      };
    },

    /** Clears stuck detection on the onboarding state and closes the open STUCK_CLIENT alert. */
    async resetStuck(id: string, who: AuditContext) {
      return em().transactional(async (tx) => {
        const client = await tx.findOne(Client, id);
        if (!client) throw notFound('client');
        const state = await tx.findOne(
          OnboardingState,
          { clientId: id },
          { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { createdAt: 'desc' } },
        );
        if (!state) throw notFound('onboarding state', 'Client has no onboarding state');
        const previous = state.stuckDetectedAt;
        state.stuckDetectedAt = null;
        state.stuckSeverity = null;
        state.isTerminal = false;
        await tx.nativeUpdate(
          AlertLog,
          { alertType: 'STUCK_CLIENT', resourceId: id, resolvedAt: null },
          { resolvedAt: new Date() },
        );
        recordAudit(tx, who, {
          action: 'client.stuck.reset',
          resourceType: 'onboarding_state',
          resourceId: state.id,
          outcome: 'success',
          before: { stuckDetectedAt: isoOrNull(previous) },
          after: { stuckDetectedAt: null },
        });
        log.info(
          { clientId: id, previousDetection: previous },
          `stuck detection RESET for client ${id} (${client.businessName})`,
        );
        return {
          clientId: client.id,
          businessName: client.businessName,
          stuckDetectedAt: null,
          message: 'Stuck detection reset. Client can be detected as stuck again if necessary.',
        };
      });
    },

    /**
     * Starts (or joins) client-delete:<id>:<incarnation> and waits for it within
     * the sync bound. A client that no longer exists answers its own deletion log
     * when it was deleted within the replay window (a retried DELETE), else 404.
     */
    async deleteClient(
      id: string,
      { confirmBusinessName, callbackUrl }: { confirmBusinessName?: string; callbackUrl?: string },
      who: AuditContext,
    ): Promise<DeleteOutcome> {
      // A refused callback target is refused before anything runs.
      if (callbackUrl) await checkCallbackUrl(deps.callbacks, callbackUrl, 'body.callbackUrl');
      const [current] = (await em().execute(`select incarnation from client where id = ?`, [id])) as {
        incarnation: string;
      }[];
      if (!current) {
        const [done] = (await em().execute(
          `select deletion_log, workflow_id from client_deletion where client_id = ? and deleted_at > now() - (? *
            interval '1 millisecond')
            order by deleted_at desc limit 1`,
          [id, deps.deleteReplayWindowMs],
        )) as { deletion_log: DeletionLog; workflow_id: string }[];
        if (done) return { state: 'deleted', log: done.deletion_log, workflowId: done.workflow_id };
        throw notFound('client');
      }
      const wfId = clientDeleteWorkflowId(id, current.incarnation);
      const approval = approvalGateFor(deps.approvals, CLIENT_DELETE.operation, actorLabel(who));
      const handle = await startOrAttach<DeleteClientWorkflow>(deps.temporal, {
        workflowType: CLIENT_DELETE.workflowType,
        workflowId: wfId,
        taskQueue: deps.taskQueue,
        args: [{ clientId: id, incarnation: current.incarnation, confirmBusinessName, audit: who, approval }],
        labels: { operation: CLIENT_DELETE.operation, tenantId: id, actor: actorLabel(who) },
        memo: { requestId: who.requestId, incarnation: current.incarnation },
        summary: `Delete client ${id}`,
      });
      await callBackWhenDone(deps.temporal, deps.taskQueue, handle, {
        url: callbackUrl,
        operation: CLIENT_DELETE.operation,
        actor: actorLabel(who),
        tenantId: id,
      });
      // The transaction commits the deletion log with its audit event; the answer reads it then.
      const outcome = await outcomeOrPlan<DeletionLog>(handle, !!approval, deps.syncWaitMs, deps.stopping, {
        notifications: deps.notifications,
        channel: RUN_AUDITED_CHANNEL,
        read: async () => {
          const [done] = (await em().execute('select deletion_log from client_deletion where workflow_id = ?', [
            wfId,
          ])) as { deletion_log: DeletionLog }[];
          return done?.deletion_log ?? null;
        },
      });
      if (outcome.state === 'completed') return { state: 'deleted', log: outcome.result, workflowId: wfId };
      if (outcome.state === 'running') return { state: 'running', workflowId: wfId };
      if (outcome.state === 'awaiting_approval')
        return { state: 'awaiting_approval', workflowId: wfId, approval: outcome.approval };
      const failure = outcome.failure;
      if (failure?.type === DELETE_FAILURES.notFound) throw notFound('client');
      if (failure?.type === DELETE_FAILURES.safety) {
        const [details] = (failure.details ?? []) as [{ violations: string[] }];
        throw new AppError(400, DELETE_FAILURES.safety, 'Cannot delete client. Safety checks failed.', {
          details: {
            violations: details?.violations ?? [],
          },
        });
      }
      const refused = notApproved(failure, 'deletion', wfId);
      if (refused) throw refused;
      log.error({ clientId: id, workflowId: wfId, err: outcome.error }, 'DELETE FAILED (TRANSACTION ROLLED BACK)');
      throw new AppError(500, DELETE_FAILURES.failed, 'Failed to delete client. Transaction rolled back.', {
        details: {
          workflowId: wfId,
        },
      });
    },

    /** Status of a cockpit run (the 202 answer of a slow DELETE points here). */
    async getOperation(wfId: string) {
      if (!isClientDeleteWorkflowId(wfId)) throw notFound('operation');
      // Only the deletion's own outcomes are told as they are; anything else in general terms.
      const run = await describeRun(deps.temporal, wfId, {
        known: KNOWN_FAILURES,
        fallback: { code: DELETE_FAILURES.failed, message: 'Failed to delete client. Transaction rolled back.' },
      });
      if (!run) throw notFound('operation');
      return run;
    },
  };
}

export type CockpitService = ReturnType<typeof createCockpitService>;
