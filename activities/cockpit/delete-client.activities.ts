import { ApplicationFailure } from '@temporalio/activity';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../src/platform/observability/logger.ts';
import { recordAudit } from '../../src/platform/audit/audit.ts';
import { ClientDeletion } from '../../src/cockpit/entities/index.ts';
import { Client } from '../../src/tenants/entities/index.ts';
import { deletionViolations, type DeletionLog } from '../../src/cockpit/deletion.rules.ts';
import {
  CLIENT_DELETE,
  DELETE_FAILURES,
  type DeleteClientRequest,
  type DeletionPlan,
} from '../../src/cockpit/client-delete.contract.ts';
import { presentClient } from '../../src/cockpit/cockpit.presenter.ts';
import { withHeartbeat } from '../heartbeat.ts';

export interface DeleteClientInput extends DeleteClientRequest {
  workflowId: string;
}

const notFound = (id: string) =>
  ApplicationFailure.nonRetryable('Client not found', DELETE_FAILURES.notFound, { clientId: id });
const rejected = (violations: string[]) =>
  ApplicationFailure.nonRetryable('Cannot delete client. Safety checks failed.', DELETE_FAILURES.safety, {
    violations,
  });

/** Every deletion of the spec, counted (its order is the spec's: the pool first, the client last). */
const DELETE_CLIENT_DATA = `
  with released as (
         update phone_number set status = 'AVAILABLE', assigned_client_id = null
          where assigned_client_id = ? or phone_number = ? returning 1),
       onboarding_states as (delete from onboarding_state where client_id = ? returning 1),
       messages as (delete from message where client_id = ? returning 1),
       customers as (delete from customer where client_id = ? returning 1),
       bookings as (delete from booking where client_id = ? returning 1),
       conversations as (delete from conversation where client_id = ? returning 1),
       leads as (delete from lead where client_id = ? returning 1),
       users as (delete from client_user where client_id = ? returning 1),
       alert_logs as (delete from alert_log where resource_id = ? returning 1),
       client_row as (delete from client where id = ? returning 1)
  select (select count(*) from released)::int as released,
         (select count(*) from onboarding_states)::int as "onboardingStates",
         (select count(*) from messages)::int as messages,
         (select count(*) from customers)::int as customers,
         (select count(*) from bookings)::int as bookings,
         (select count(*) from conversations)::int as conversations,
         (select count(*) from leads)::int as leads,
         (select count(*) from users)::int as users,
         (select count(*) from alert_logs)::int as "alertLogs",
         (select count(*) from client_row)::int as client`;

/** What DELETE_CLIENT_DATA would delete, counted the same way, touching nothing. */
const PLAN_CLIENT_DELETION = `
  select (select count(*) from onboarding_state where client_id = ?)::int as "onboardingStates",
         (select count(*) from message where client_id = ?)::int as messages,
         (select count(*) from customer where client_id = ?)::int as customers,
         (select count(*) from booking where client_id = ?)::int as bookings,
         (select count(*) from conversation where client_id = ?)::int as conversations,
         (select count(*) from lead where client_id = ?)::int as leads,
         (select count(*) from client_user where client_id = ?)::int as users,
         (select count(*) from alert_log where resource_id = ?)::int as "alertLogs"`;

/** A deletion that committed but whose completion was never reported is found again here. */
async function committedDeletion(em: EntityManager, workflowId: string): Promise<DeletionLog | null> {
  const done = await em.findOne(ClientDeletion, { workflowId });
  return done?.deletionLog ?? null;
}

/** The row this run acts on: the client with this id *and* this incarnation, or nothing. */
const sameIncarnation = (client: Client | null, input: DeleteClientInput) =>
  client && client.incarnation === input.incarnation ? client : null;

export function createDeleteClientActivities(deps: { orm: MikroORM; logger: Logger }) {
  const log = deps.logger.child({ module: 'cockpit', op: CLIENT_DELETE.operation });

  /** A deletion the safety checks refuse: logged, audited as rejected (nothing else written), thrown. */
  async function refuse(em: EntityManager, client: Client, input: DeleteClientInput, violations: string[]) {
    log.warn(
      { clientId: client.id, violations, workflowId: input.workflowId },
      'delete rejected: safety checks failed',
    );
    recordAudit(em, input.audit, {
      action: 'client.delete',
      resourceType: 'client',
      resourceId: client.id,
      outcome: 'rejected',
      before: presentClient(client),
      after: { violations },
      workflowId: input.workflowId,
    });
    await em.flush();
    return rejected(violations);
  }

  return {
    /** Read-only pre-flight: reports every failed safety check and records the refusal. */
    async checkClientDeletable(input: DeleteClientInput): Promise<{ businessName: string }> {
      const em = deps.orm.em.fork();
      const client = sameIncarnation(await em.findOne(Client, input.clientId), input);
      if (!client) {
        if (await committedDeletion(em, input.workflowId)) return { businessName: '' };
        throw notFound(input.clientId);
      }
      const violations = deletionViolations(client, input.confirmBusinessName);
      if (violations.length) throw await refuse(em, client, input, violations);
      return { businessName: client.businessName };
    },

    /** The dry run an approver sees: what the deletion would remove and release (reads only). */
    async planClientDeletion(input: DeleteClientInput): Promise<DeletionPlan> {
      const em = deps.orm.em.fork();
      const client = sameIncarnation(await em.findOne(Client, input.clientId), input);
      if (!client) throw notFound(input.clientId);
      const [recordsToDelete] = (await em.execute(
        PLAN_CLIENT_DELETION,
        Array(8).fill(input.clientId),
      )) as DeletionLog['recordsDeleted'][];
      return {
        clientId: client.id,
        businessName: client.businessName,
        twilioNumberToRelease: client.twilioNumber ?? null,
        recordsToDelete,
      };
    },

    /**
     * The irreversible step, and the safety checks' own home: one transaction, spec
     * order, client row locked and checked under the lock, so a concurrent unmute or
     * payment cannot slip between check and delete. The permanent deletion record and
     * the audit event commit with it; a refusal writes nothing in it and is recorded
     * after it.
     */
    async deleteClientData(input: DeleteClientInput): Promise<DeletionLog> {
      return withHeartbeat(async () => {
        const em = deps.orm.em.fork();
        const earlier = await committedDeletion(em, input.workflowId);
        if (earlier) return earlier;
        const outcome = await em.transactional(async (tx) => {
          const id = input.clientId;
          const client = sameIncarnation(await tx.findOne(Client, id, { lockMode: LockMode.PESSIMISTIC_WRITE }), input);
          if (!client) throw notFound(id);
          const violations = deletionViolations(client, input.confirmBusinessName);
          if (violations.length) return { refused: { client, violations } };
          const before = presentClient(client);
          log.warn({ clientId: id, workflowId: input.workflowId }, 'beginning irreversible deletion transaction');

          // One statement, one round trip: numbers go back to the pool (the one on the
          // client and any assigned to it), then every record of the client, then the
          // client. Within a statement the spec's order cannot be observed; a failure
          // of any part fails the statement and the transaction rolls back.
          const [counts] = (await tx.execute(DELETE_CLIENT_DATA, [
            id,
            client.twilioNumber ?? null,
            ...Array(9).fill(id),
          ])) as (DeletionLog['recordsDeleted'] & { released: number; client: number })[];
          const { released, client: _clientRow, ...recordsDeleted } = counts;
          const twilioNumberReleased = client.twilioNumber && released > 0 ? client.twilioNumber : null;
          if (client.twilioNumber && !twilioNumberReleased)
            log.warn({ clientId: id }, 'client number not found in pool; continuing');
          tx.getUnitOfWork().unsetIdentity(client);

          const deletedAt = new Date();
          const deletionLog: DeletionLog = {
            clientId: id,
            businessName: client.businessName,
            deletedAt: deletedAt.toISOString(),
            twilioNumberReleased,
            recordsDeleted,
          };
          await tx.insert(ClientDeletion, {
            clientId: id,
            incarnation: input.incarnation,
            businessName: client.businessName,
            deletedAt,
            actorType: input.audit.actorType,
            actorId: input.audit.actorId,
            requestId: input.audit.requestId,
            workflowId: input.workflowId,
            deletionLog,
          });
          recordAudit(tx, input.audit, {
            action: 'client.delete',
            resourceType: 'client',
            resourceId: id,
            outcome: 'success',
            before,
            after: deletionLog,
            workflowId: input.workflowId,
          });
          log.warn({ clientId: id, recordsDeleted, workflowId: input.workflowId }, 'client deleted');
          return { deleted: deletionLog };
        });
        if (outcome.refused) throw await refuse(em, outcome.refused.client, input, outcome.refused.violations);
        return outcome.deleted;
      });
    },
  };
}
