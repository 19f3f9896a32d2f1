import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from 'koa';
import { AuditEvent } from './audit-event.entity.ts';
import type { OpsContext } from '../http/state.ts';

/** Who did it and from where: captured at the HTTP edge, carried into workflows. */
export interface AuditContext {
  actorType: string;
  actorId: string;
  /** The role the principal acted with; absent for anonymous callers and system work. */
  actorRole?: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditRecord {
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: 'success' | 'rejected' | 'failed' | 'cached' | 'in_progress';
  before?: unknown;
  after?: unknown;
  workflowId?: string | null;
}

const USER_AGENT_MAX = 512;

/** Who acted, as runs carry it in their Actor search attribute and as a scoped key's caller (`kind:name`). */
/**
 * The database's notice that an audit event of a run committed (payload: its workflow ID; see the
 * migration run_audit_notice): a request waiting for that run reads the run's committed answer then.
 */
export const RUN_AUDITED_CHANNEL = 'run_audited';

export const actorLabel = (who: Pick<AuditContext, 'actorType' | 'actorId'>) => `${who.actorType}:${who.actorId}`;

export function auditContextFrom(ctx: Context): AuditContext {
  const { principal, requestId } = (ctx as OpsContext).state;
  return {
    actorType: principal?.kind ?? 'anonymous',
    actorId: principal?.name ?? 'anonymous',
    actorRole: principal?.role ?? null,
    ip: ctx.ip || null,
    // Headers are bounded by Node's parser but may still be long: the audit row keeps a bounded prefix.
    userAgent: ctx.get('user-agent').slice(0, USER_AGENT_MAX) || null,
    requestId: requestId ?? null,
  };
}

/** The row an audit event becomes. */
function auditRow(who: AuditContext, what: AuditRecord) {
  return {
    actorType: who.actorType,
    actorId: who.actorId,
    actorRole: who.actorRole ?? null,
    ip: who.ip,
    userAgent: who.userAgent,
    requestId: who.requestId,
    action: what.action,
    resourceType: what.resourceType,
    resourceId: what.resourceId,
    outcome: what.outcome,
    before: what.before ?? null,
    after: what.after ?? null,
    workflowId: what.workflowId ?? null,
  };
}

/**
 * The same row as SQL columns and values, for a statement that records an event
 * together with other work in one round trip (jsonb values as JSON text).
 */
export const AUDIT_COLUMNS = [
  'actor_type',
  'actor_id',
  'actor_role',
  'ip',
  'user_agent',
  'request_id',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'before',
  'after',
  'workflow_id',
] as const;

/** Placeholders for AUDIT_COLUMNS, jsonb ones cast (an INSERT … SELECT infers nothing from its target). */
export const AUDIT_PLACEHOLDERS = AUDIT_COLUMNS.map((c) => (c === 'before' || c === 'after' ? '?::jsonb' : '?')).join(
  ', ',
);

export function auditValues(who: AuditContext, what: AuditRecord): unknown[] {
  const r = auditRow(who, what);
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  return [
    r.actorType,
    r.actorId,
    r.actorRole,
    r.ip,
    r.userAgent,
    r.requestId,
    r.action,
    r.resourceType,
    r.resourceId,
    r.outcome,
    json(r.before),
    json(r.after),
    r.workflowId,
  ];
}

/** Adds an audit event to the unit of work of `em`, so it commits with the change it records. */
export function recordAudit(em: EntityManager, who: AuditContext, what: AuditRecord): AuditEvent {
  return em.create(AuditEvent, auditRow(who, what));
}

/**
 * Writes one audit event at once, in a single autocommit INSERT: for events that
 * record a call rather than accompany a change (no transaction to join).
 */
export async function appendAudit(em: EntityManager, who: AuditContext, what: AuditRecord): Promise<void> {
  await em.insert(AuditEvent, auditRow(who, what));
}
