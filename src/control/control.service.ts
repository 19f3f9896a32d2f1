import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Client as TemporalClient } from '@temporalio/client';
import { AppError, validationError } from '../platform/http/errors.ts';
import { issuesOf } from '../platform/http/validate.ts';
import { appendAudit, type AuditContext, type AuditRecord } from '../platform/audit/audit.ts';
import { hasScope, type ControlKey } from '../platform/auth/control-keys.ts';
import { createIdempotencyStore, payloadHash } from '../platform/idempotency/idempotency.store.ts';
import { awaitOutcome, startOrAttach } from '../platform/temporal/runs.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';
import type { Logger } from '../platform/observability/logger.ts';
import type { opsExecuteWorkflow } from '../../workflows/control/ops-execute.workflow.ts';
import type { ExecuteRequest } from './control.schemas.ts';
import { CONTROL_PLANE_VERSION, TOOLS, TOOL_NAMES, isToolName, requiredArgs } from './tools.ts';

const SCOPE = 'ops.execute';

export interface ControlDeps {
  orm: MikroORM;
  temporal: TemporalClient;
  taskQueue: string;
  syncWaitMs: number;
  duplicateWaitMs: number;
  idempotencyTtlMs: number;
  logger: Logger;
}

export interface ExecuteAnswer {
  status: number;
  body: Record<string, unknown>;
}

type Stored = Record<string, unknown> & { _meta?: unknown };

export function createControlService(deps: ControlDeps) {
  // deps.orm.em resolves to the request's own context (RequestContext) inside a request.
  const em = () => deps.orm.em as EntityManager;
  const store = createIdempotencyStore(em);
  const log = deps.logger.child({ module: 'control' });

  const withMeta = (stored: Stored, cached: boolean, executedAt: string) => ({
    ...stored,
    _meta: cached ? { version: CONTROL_PLANE_VERSION, cached: true, originalExecutedAt: executedAt } : { version: CONTROL_PLANE_VERSION, cached: false },
  });

  const audit = (who: AuditContext, what: AuditRecord) => appendAudit(em(), who, what);

  /** Validates the tool, its scope and its arguments; returns the parsed arguments. */
  function admit(req: ExecuteRequest, key: ControlKey) {
    const meta = { requestId: req.requestId, tool: req.tool };
    if (!isToolName(req.tool)) {
      throw new AppError(400, 'TOOL_NOT_ALLOWED', `Tool "${req.tool}" is not in the allowlist`, { allowed: TOOL_NAMES }, undefined,
        { ...meta, help: 'GET /api/internal/ops/execute lists the tools and their arguments' });
    }
    const spec = TOOLS[req.tool];
    if (!hasScope(key.scopes, spec.requiredScope)) {
      throw new AppError(403, 'FORBIDDEN', `API key "${key.name}" lacks scope ${spec.requiredScope} required by ${req.tool}`, { requiredScope: spec.requiredScope }, undefined, meta);
    }
    const parsed = spec.args.safeParse(req.args);
    if (!parsed.success) {
      const where = req.format === 'new' ? 'payload' : 'args';
      const err = validationError(issuesOf(where, parsed.error));
      throw new AppError(400, 'ARGS_VALIDATION_ERROR', err.message.replace('Invalid request', `Invalid arguments for ${req.tool}`), err.details, undefined,
        { ...meta, help: `Required arguments: ${requiredArgs(req.tool).join(', ')}` });
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
     * Runs a tool as the workflow ops:<requestId>. The same requestId with the
     * same payload answers from the idempotency store for its TTL; with another
     * payload it is refused; while the first run is going it waits, then 409.
     */
    async execute(req: ExecuteRequest, key: ControlKey, who: AuditContext): Promise<ExecuteAnswer> {
      const started = Date.now();
      const meta = { requestId: req.requestId, tool: req.tool };
      const wfId = workflowId('ops', req.requestId);
      const businessId = typeof req.args.businessId === 'string' ? req.args.businessId : null;
      const auditCall = (outcome: AuditRecord['outcome'], extra: Record<string, unknown> = {}) =>
        audit(who, {
          action: `ops.${req.tool}`, resourceType: 'tenant', resourceId: businessId, outcome, workflowId: wfId,
          after: { requestId: req.requestId, tool: req.tool, keyName: key.name, dryRun: req.dryRun, actor: req.actor, durationMs: Date.now() - started, ...extra },
        });

      try {
        const { tool, args } = admit(req, key);
        const hash = payloadHash({ tool, args, dryRun: req.dryRun });
        const claim = await store.claim(SCOPE, req.requestId, hash, wfId, deps.idempotencyTtlMs);
        if (claim.kind === 'mismatch') {
          throw new AppError(422, 'REQUEST_ID_REUSED', `requestId "${req.requestId}" was already used with a different payload`, undefined, undefined,
            { ...meta, help: 'Use a new requestId for a different request; the same requestId always means the same request' });
        }
        if (claim.kind === 'completed') {
          await auditCall('cached');
          return { status: 200, body: withMeta(claim.response, true, claim.executedAt) };
        }

        const handle = await startOrAttach<typeof opsExecuteWorkflow>(deps.temporal, {
          workflowType: 'opsExecuteWorkflow',
          workflowId: wfId,
          taskQueue: deps.taskQueue,
          args: [{ tool, args, dryRun: req.dryRun, audit: who }],
          labels: { operation: `ops.${tool}`, tenantId: businessId ?? undefined, actor: `control-key:${key.name}` },
          memo: { requestId: req.requestId, requestActor: req.actor, dryRun: req.dryRun },
          summary: `${req.dryRun ? '[DRY RUN] ' : ''}${tool}${businessId ? ` ${businessId}` : ''}`,
        });
        const owner = claim.kind === 'claimed';
        const outcome = await awaitOutcome<unknown>(handle, owner ? deps.syncWaitMs : deps.duplicateWaitMs);

        if (outcome.state === 'running') {
          await auditCall('in_progress');
          if (!owner) {
            throw new AppError(409, 'REQUEST_IN_PROGRESS', `Request "${req.requestId}" is still being processed`, { workflowId: wfId }, undefined,
              { ...meta, help: 'Retry the same request later to receive its result' });
          }
          return { status: 202, body: { ok: true, ...meta, dryRun: req.dryRun, status: 'running', workflowId: wfId, message: 'Still running; send the same request again to receive the result' } };
        }
        if (outcome.state === 'failed') {
          await store.release(SCOPE, req.requestId);
          log.error({ err: outcome.error, workflowId: wfId, tool }, 'control plane tool failed');
          const code = tool === 'tenant.bootstrap' ? 'BOOTSTRAP_ERROR' : 'TOOL_ERROR';
          throw new AppError(500, code, `${tool} failed: ${outcome.failure?.message ?? outcome.error.message}`, { workflowId: wfId }, undefined,
            { ...meta, help: 'Nothing was cached; the same request may be retried' });
        }

        const executedAt = new Date().toISOString();
        const answer = { ok: true, ...meta, dryRun: req.dryRun, result: outcome.result, executedAt, durationMs: Date.now() - started };
        const saved = await store.complete(SCOPE, req.requestId, answer, executedAt);
        await auditCall(saved.stored ? 'success' : 'cached');
        return { status: 200, body: withMeta(saved.response, !saved.stored, saved.executedAt) };
      } catch (err) {
        if (err instanceof AppError) {
          if (err.status !== 409) await auditCall(err.status >= 500 ? 'failed' : 'rejected', { error: err.code });
          err.meta = { ...meta, ...err.meta };
        }
        throw err;
      }
    },
  };
}

export type ControlService = ReturnType<typeof createControlService>;
