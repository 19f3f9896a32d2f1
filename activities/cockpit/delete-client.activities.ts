import { ApplicationFailure } from '@temporalio/activity';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../src/platform/observability/logger.ts';
import { recordAudit } from '../../src/platform/audit/audit.ts';
import { AlertLog, ClientDeletion, PhoneNumber } from '../../src/cockpit/entities/index.ts';
import { Booking, Client, ClientUser, Customer, Lead, OnboardingState } from '../../src/tenants/entities/index.ts';
// Support's records of the tenant go in the same transaction (spec order).
import { Conversation, Message } from '../../src/support/entities/index.ts';
import { deletionViolations, type DeletionLog } from '../../src/cockpit/deletion.rules.ts';
import { CLIENT_DELETE, DELETE_FAILURES, type DeleteClientRequest } from '../../src/cockpit/client-delete.contract.ts';
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
      if (violations.length) {
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
        throw rejected(violations);
      }
      return { businessName: client.businessName };
    },

    /**
     * The irreversible step: one transaction, spec order, client row locked and
     * re-checked so a concurrent unmute or payment cannot slip between check and
     * delete. The permanent deletion record and the audit event commit with it.
     */
    async deleteClientData(input: DeleteClientInput): Promise<DeletionLog> {
      return withHeartbeat(async () => {
        const em = deps.orm.em.fork();
        const earlier = await committedDeletion(em, input.workflowId);
        if (earlier) return earlier;
        return em.transactional(async (tx) => {
          const id = input.clientId;
          const client = sameIncarnation(await tx.findOne(Client, id, { lockMode: LockMode.PESSIMISTIC_WRITE }), input);
          if (!client) throw notFound(id);
          const violations = deletionViolations(client, input.confirmBusinessName);
          if (violations.length) throw rejected(violations);
          const before = presentClient(client);
          log.warn({ clientId: id, workflowId: input.workflowId }, 'beginning irreversible deletion transaction');

          // 1. Numbers go back to the pool first: the one on the client and any assigned to it.
          const releasedFromPool = await tx.nativeUpdate(
            PhoneNumber,
            { $or: [{ assignedClientId: id }, ...(client.twilioNumber ? [{ phoneNumber: client.twilioNumber }] : [])] },
            { status: 'AVAILABLE', assignedClientId: null },
          );
          const twilioNumberReleased = client.twilioNumber && releasedFromPool > 0 ? client.twilioNumber : null;
          if (client.twilioNumber && !twilioNumberReleased)
            log.warn({ clientId: id }, 'client number not found in pool; continuing');

          const recordsDeleted = {
            onboardingStates: await tx.nativeDelete(OnboardingState, { clientId: id }),
            messages: await tx.nativeDelete(Message, { clientId: id }),
            customers: await tx.nativeDelete(Customer, { clientId: id }),
            bookings: await tx.nativeDelete(Booking, { clientId: id }),
            conversations: await tx.nativeDelete(Conversation, { clientId: id }),
            leads: await tx.nativeDelete(Lead, { clientId: id }),
            users: await tx.nativeDelete(ClientUser, { clientId: id }),
            alertLogs: await tx.nativeDelete(AlertLog, { resourceId: id }),
          };
          await tx.nativeDelete(Client, { id });
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
          return deletionLog;
        });
      });
    },
  };
}
