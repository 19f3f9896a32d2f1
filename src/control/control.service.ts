import type { EntityManager } from '@mikro-orm/postgresql';
import type { DurableServiceDeps } from '../platform/module.ts';
import type pg from 'pg';
import { AppError, validationError } from '../platform/http/errors.ts';
import { issuesOf } from '../platform/http/validate.ts';
import { appendAudit, type AuditContext, type AuditRecord } from '../platform/audit/audit.ts';
import { hasScope, type ControlKey } from './control-keys.ts';
import { createIdempotencyStore, payloadHash } from '../platform/idempotency/idempotency.store.ts';
import { awaitOutcome, startOrAttach } from '../platform/temporal/runs.ts';
import { rateLimited } from '../platform/ratelimit/rate-limit.ts';
import {
  OPS_ERRORS,
  OPS_EXECUTE,
  opsIdempotencyScope,
  opsWorkflowId,
  type OpsExecuteWorkflow,
} from './ops-execute.contract.ts';
import type { ExecuteRequest } from './control.schemas.ts';
import { CONTROL_PLANE_VERSION, TOOLS, TOOL_NAMES, businessIdSchema, isToolName, requiredArgs } from './tools.ts';
import { callBackWhenDone, checkCallbackUrl, type CallbackSettings } from '../platform/callbacks/start-callback.ts';

/**
 * The caller's per-minute budget for this request: the route names it, the
 * service spends its point with the claim and reports what the window holds.
 */
export interface Budget {
  key: string;
  charged(state: { limit: number; consumed: number; msBeforeNext: number }): void;
}

export interface ControlDeps extends DurableServiceDeps {
  duplicateWaitMs: number;
  idempotencyTtlMs: number;
  sqlPool: pg.Pool;
  callbacks: CallbackSettings;
}

export interface ExecuteAnswer {
  status: number;
  body: Record<string, unknown> | string;
  headers?: Record<string, string>;
}

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

type Stored = Record<string, unknown> & { _meta?: unknown };

/** A bootstrap that skips checks says so in its audit row: which ones (the key is the row's actor). */
function skippedChecksOf(payload: unknown): { skippedChecks?: string[] } {
  const p = (payload ?? {}) as { skipBillingCheck?: unknown; skipVoiceTest?: unknown };
  const skipped = [
    ...(p.skipBillingCheck === true ? ['billing.validateStripeConfig'] : []),
    ...(p.skipVoiceTest === true ? ['voice.smokeTest'] : []),
  ];
  return skipped.length ? { skippedChecks: skipped } : {};
}

export function createControlService(deps: ControlDeps) {
  // deps.orm.em resolves to the request's own context (RequestContext) inside a request.
  const em = () => deps.orm.em as EntityManager;
  const store = createIdempotencyStore(em, deps.sqlPool);
  const log = deps.logger.child({ module: 'control' });

  const metaOf = (cached: boolean, executedAt: string) =>
    cached
      ? { version: CONTROL_PLANE_VERSION, cached: true, originalExecutedAt: executedAt }
      : { version: CONTROL_PLANE_VERSION, cached: false };

  const withMeta = (stored: Stored, cached: boolean, executedAt: string) => ({
    ...stored,
    _meta: metaOf(cached, executedAt),
  });

  /** A stored answer (JSON text of an object without _meta) with the replay's _meta added, without parsing it. */
  const withMetaJson = (storedJson: string, executedAt: string) =>
    `${storedJson.slice(0, storedJson.lastIndexOf('}'))}, "_meta": ${JSON.stringify(metaOf(true, executedAt))}}`;

  /** Validates the tool, its scope and its arguments; returns the parsed arguments. */
  function admit(req: ExecuteRequest, key: ControlKey) {
    const meta = { requestId: req.requestId, tool: req.tool };
    if (!isToolName(req.tool)) {
      throw new AppError(400, OPS_ERRORS.notAllowed, `Tool "${req.tool}" is not in the allowlist`, {
        details: { allowed: TOOL_NAMES },
        meta: { ...meta, help: 'GET /api/internal/ops/execute lists the tools and their arguments' },
      });
    }
    const spec = TOOLS[req.tool];
    if (!hasScope(key.scopes, spec.requiredScope)) {
      throw new AppError(
        403,
        OPS_ERRORS.forbidden,
        `API key "${key.name}" lacks scope ${spec.requiredScope} required by ${req.tool}`,
        { details: { requiredScope: spec.requiredScope }, meta },
      );
    }
    const parsed = spec.args.safeParse(req.args);
    if (!parsed.success) {
      const where = req.format === 'new' ? 'payload' : 'args';
      const err = validationError(issuesOf(where, parsed.error));
      throw new AppError(
        400,
        OPS_ERRORS.args,
        err.message.replace('Invalid request', `Invalid arguments for ${req.tool}`),
        { details: err.details, meta: { ...meta, help: `Required arguments: ${requiredArgs(req.tool).join(', ')}` } },
      );
    }
    return { tool: req.tool, args: parsed.data as Record<string, unknown> };
  }

  return {
    health(key: ControlKey) {
      return {
        ok: true,
        version: CONTROL_PLANE_VERSION,
        tools: TOOL_NAMES.map((name) => ({
          name,
          description: TOOLS[name].description,
          requiredScope: TOOLS[name].requiredScope,
          requiredArgs: requiredArgs(name),
          accessible: hasScope(key.scopes, TOOLS[name].requiredScope),
        })),
        health: { status: 'ok', timestamp: new Date().toISOString() },
      };
    },

    /**
     * Runs a tool as the workflow ops:<key>:<requestId>. The same requestId from
     * the same key with the same payload answers from the idempotency store for
     * its TTL; with another payload it is refused; while the first run is going it
     * waits, then 409. The key's budget point, the claim and (for a replay) its
     * audit event are one statement.
     */
    async execute(req: ExecuteRequest, key: ControlKey, who: AuditContext, budget: Budget): Promise<ExecuteAnswer> {
      const started = Date.now();
      const meta = { requestId: req.requestId, tool: req.tool };
      const wfId = opsWorkflowId(key.name, req.requestId);
      // Audited even when the request is refused: only a businessId that passes its own schema is recorded.
      const businessId = businessIdSchema.safeParse(req.args.businessId).success
        ? (req.args.businessId as string)
        : null;
      const callRecord = (outcome: AuditRecord['outcome'], extra: Record<string, unknown> = {}): AuditRecord => ({
        action: OPS_EXECUTE.operationOf(req.tool),
        resourceType: 'tenant',
        resourceId: businessId,
        outcome,
        workflowId: wfId,
        after: {
          requestId: req.requestId,
          tool: req.tool,
          keyName: key.name,
          dryRun: req.dryRun,
          actor: req.actor,
          durationMs: Date.now() - started,
          ...(req.tool === 'tenant.bootstrap' ? skippedChecksOf(req.args) : {}),
          ...extra,
        },
      });
      const auditCall = (outcome: AuditRecord['outcome'], extra: Record<string, unknown> = {}) =>
        appendAudit(em(), who, callRecord(outcome, extra));

      try {
        const { tool, args } = admit(req, key);
        // A refused callback target is refused before the requestId is claimed or anything runs.
        if (req.callbackUrl) await checkCallbackUrl(deps.callbacks, req.callbackUrl, 'meta.callbackUrl');
        // The callback target is part of the request: the same requestId with another URL is another request.
        const hash = payloadHash({
          tool,
          args,
          dryRun: req.dryRun,
          ...(req.callbackUrl ? { callbackUrl: req.callbackUrl } : {}),
        });
        const scope = opsIdempotencyScope(key.name);
        const admission = await store.claim({
          scope,
          key: req.requestId,
          hash,
          workflowId: wfId,
          ttlMs: deps.idempotencyTtlMs,
          budget: { key: budget.key, perMinute: key.perMinute },
          replayAudit: { who, what: callRecord('cached') },
        });
        budget.charged(admission.budget);
        const claim = admission.claim;
        if (claim.kind === 'over_budget')
          throw rateLimited(admission.budget.limit, admission.budget.consumed, admission.budget.msBeforeNext);
        if (claim.kind === 'mismatch') {
          throw new AppError(
            422,
            OPS_ERRORS.reused,
            `requestId "${req.requestId}" was already used with a different payload`,
            {
              meta: {
                ...meta,
                help: 'Use a new requestId for a different request; the same requestId always means the same request',
              },
            },
          );
        }
        if (claim.kind === 'completed')
          return { status: 200, body: withMetaJson(claim.responseJson, claim.executedAt), headers: JSON_TYPE };

        const handle = await startOrAttach<OpsExecuteWorkflow>(deps.temporal, {
          workflowType: OPS_EXECUTE.workflowType,
          workflowId: wfId,
          taskQueue: deps.taskQueue,
          args: [{ tool, args, dryRun: req.dryRun, audit: who }],
          labels: {
            operation: OPS_EXECUTE.operationOf(tool),
            tenantId: businessId ?? undefined,
            actor: `control-key:${key.name}`,
          },
          memo: { requestId: req.requestId, requestActor: req.actor, dryRun: req.dryRun },
          summary: `${req.dryRun ? '[DRY RUN] ' : ''}${tool}${businessId ? ` ${businessId}` : ''}`,
        });
        await callBackWhenDone(deps.temporal, deps.taskQueue, handle, {
          url: req.callbackUrl,
          operation: OPS_EXECUTE.operationOf(tool),
          actor: `control-key:${key.name}`,
          ...(businessId ? { tenantId: businessId } : {}),
        });
        const owner = claim.kind === 'claimed';
        const outcome = await awaitOutcome<unknown>(
          handle,
          owner ? deps.syncWaitMs : deps.duplicateWaitMs,
          deps.stopping,
        );

        if (outcome.state === 'running') {
          await auditCall('in_progress');
          if (!owner) {
            throw new AppError(409, OPS_ERRORS.inProgress, `Request "${req.requestId}" is still being processed`, {
              details: { workflowId: wfId },
              meta: { ...meta, help: 'Retry the same request later to receive its result' },
            });
          }
          return {
            status: 202,
            body: {
              ok: true,
              ...meta,
              dryRun: req.dryRun,
              status: 'running',
              workflowId: wfId,
              message: 'Still running; send the same request again to receive the result',
            },
          };
        }
        if (outcome.state === 'failed') {
          await store.release(scope, req.requestId);
          log.error(
            { err: outcome.error, workflowId: wfId, tool, requestId: who.requestId },
            'control plane tool failed',
          );
          const code = tool === 'tenant.bootstrap' ? OPS_ERRORS.bootstrap : OPS_ERRORS.tool;
          // The failure's own text stays in the logs and the run's history; the answer names where to look.
          throw new AppError(
            500,
            code,
            `${tool} failed; see run ${wfId} in the Temporal Web UI or the server logs (request ${who.requestId})`,
            {
              details: { workflowId: wfId },
              meta: { ...meta, help: 'Nothing was cached; the same request may be retried' },
            },
          );
        }

        const executedAt = new Date().toISOString();
        const answer = {
          ok: true,
          ...meta,
          dryRun: req.dryRun,
          result: outcome.result,
          executedAt,
          durationMs: Date.now() - started,
        };
        const saved = await store.complete(scope, req.requestId, answer, executedAt);
        await auditCall(saved.stored ? 'success' : 'cached');
        return { status: 200, body: withMeta(saved.response, !saved.stored, saved.executedAt) };
      } catch (err) {
        if (err instanceof AppError) {
          if (err.status !== 409 && err.status !== 429)
            await auditCall(err.status >= 500 ? 'failed' : 'rejected', { error: err.code });
          err.meta = { ...meta, ...err.meta };
        }
        throw err;
      }
    },
  };
}

export type ControlService = ReturnType<typeof createControlService>;
