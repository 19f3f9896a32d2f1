import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from 'koa';
import { AuditEvent } from './audit-event.entity.ts';
import type { Principal } from '../auth/principal.ts';

/** Who did it and from where: captured at the HTTP edge, carried into workflows. */
export interface AuditContext {
  actorType: string;
  actorId: string;
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

export function auditContextFrom(ctx: Context): AuditContext {
  const principal = ctx.state.principal as Principal | undefined;
  return {
    actorType: principal?.kind ?? 'anonymous',
    actorId: principal?.name ?? 'anonymous',
    ip: ctx.ip || null,
    userAgent: ctx.get('user-agent') || null,
    requestId: (ctx.state.requestId as string | undefined) ?? null,
  };
}

/** Adds an audit event to the unit of work of `em`, so it commits with the change it records. */
export function recordAudit(em: EntityManager, who: AuditContext, what: AuditRecord): AuditEvent {
  return em.create(AuditEvent, {
    actorType: who.actorType,
    actorId: who.actorId,
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
  } as never);
}

/**
 * Writes one audit event at once, in a single autocommit INSERT: for events that
 * record a call rather than accompany a change (no transaction to join).
 */
export async function appendAudit(em: EntityManager, who: AuditContext, what: AuditRecord): Promise<void> {
  await em.execute(
    `insert into audit_event (actor_type, actor_id, ip, user_agent, request_id, action, resource_type, resource_id, outcome, before, after, workflow_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      who.actorType, who.actorId, who.ip, who.userAgent, who.requestId, what.action, what.resourceType, what.resourceId, what.outcome,
      what.before === undefined ? null : JSON.stringify(what.before), what.after === undefined ? null : JSON.stringify(what.after), what.workflowId ?? null,
    ],
  );
}
