import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { recordAudit } from '../../src/platform/audit/audit.ts';
import type { TwilioClient } from '../twilio/twilio-client.ts';
import { CALL_FAILURES, type CallStatusUpdate, type PlaceCallRequest } from '../../src/caller/place-call.contract.ts';
import { advances, isTerminal, type CallStatus } from '../../src/caller/call-status.rules.ts';
import { agentTwiml } from '../../src/caller/twiml.ts';
import { statusCallbackUrl } from '../../src/caller/caller.paths.ts';

export interface CallStepInput extends PlaceCallRequest {
  workflowId: string;
}

interface CallRow {
  id: string;
  phone: string;
  from_number: string;
  agent_id: string;
  call_sid: string | null;
  status: CallStatus;
  dial_started_at: Date | null;
}

const fail = (message: string, type: string) => ApplicationFailure.nonRetryable(message, type);
/** Errors raised before a request can have reached Twilio: dialling again is safe. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export function createCallActivities(deps: {
  orm: MikroORM;
  twilio: TwilioClient | null;
  publicUrl: string;
  streamUrl: string;
  statusEvents: string[];
}) {
  const fork = () => deps.orm.em.fork() as EntityManager;
  const callOf = async (em: EntityManager, id: string) =>
    ((await em.execute('select * from caller_call where id = ?', [id])) as CallRow[])[0];

  return {
    /** The call intent, written before anything is dialled; a retried step finds the row its run wrote. */
    async recordIntent(input: CallStepInput): Promise<{ callId: string; agentId: string; from: string }> {
      return fork().transactional(async (tx) => {
        const inserted = (await tx.execute(
          `insert into caller_call (id, client_id, request_id, workflow_id, phone, from_number, agent_id, status)
           select ?, k.id, ?, ?, ?, k.twilio_phone_number, k.agent_id, 'initiated' from caller_client k where k.id = ?
           on conflict (workflow_id) do nothing returning id`,
          [input.callId, input.requestId, input.workflowId, input.phone, input.clientId],
        )) as { id: string }[];
        const [row] = (await tx.execute('select id, agent_id, from_number from caller_call where workflow_id = ?', [
          input.workflowId,
        ])) as { id: string; agent_id: string; from_number: string }[];
        if (!row) throw fail('Client not found', CALL_FAILURES.clientNotFound);
        if (inserted.length)
          recordAudit(tx, input.audit, {
            action: 'caller.call.place',
            resourceType: 'caller_call',
            resourceId: row.id,
            outcome: 'in_progress',
            after: { clientId: input.clientId, agentId: row.agent_id },
            workflowId: input.workflowId,
          });
        return { callId: row.id, agentId: row.agent_id, from: row.from_number };
      });
    },

    /**
     * Places the call at most once. The row is claimed (dial_started_at) before
     * Twilio is asked; an attempt that finds it claimed (the worker died while
     * Twilio was answering) looks the call up at Twilio instead of dialling
     * again, and gives up as CALL_OUTCOME_UNKNOWN rather than risk a second call.
     */
    async dial(input: { callId: string }): Promise<{ callSid: string }> {
      if (!deps.twilio)
        throw fail('Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)', 'TWILIO_NOT_CONFIGURED');
      const em = fork();
      const row = await callOf(em, input.callId);
      if (row.call_sid) return { callSid: row.call_sid };
      const claimed = (await em.execute(
        'update caller_call set dial_started_at = now() where id = ? and dial_started_at is null returning id',
        [row.id],
      )) as unknown[];
      const record = async (sid: string) => {
        await em.execute(
          `update caller_call set call_sid = ?, status = case when status = 'initiated' then 'queued' else status end,
              updated_at = now() where id = ?`,
          [sid, row.id],
        );
        return { callSid: sid };
      };
      if (!claimed.length) {
        const since = new Date(new Date(row.dial_started_at!).getTime() - 60_000);
        // Twilio's own list, newest first, by the numbers this intent dials; only a call created since it counts.
        const { instances } = await deps.twilio.calls.page({ to: row.phone, from: row.from_number, pageSize: 20 });
        const mine = instances.find(
          (c) => c.to === row.phone && c.from === row.from_number && new Date(c.dateCreated) >= since,
        );
        if (mine) return record(mine.sid);
        throw fail(
          'An earlier attempt may have placed this call and Twilio does not show it: not dialling again',
          CALL_FAILURES.outcomeUnknown,
        );
      }
      try {
        const call = await deps.twilio.calls.create({
          to: row.phone,
          from: row.from_number,
          twiml: agentTwiml(deps.streamUrl, row.agent_id, row.id),
          statusCallback: statusCallbackUrl(deps.publicUrl, row.id),
          statusCallbackMethod: 'POST',
          ...(deps.statusEvents.length ? { statusCallbackEvent: deps.statusEvents } : {}),
        });
        return record(call.sid);
      } catch (err) {
        const e = err as { status?: number; code?: string };
        if (e.code && NEVER_SENT.has(e.code)) {
          await em.execute('update caller_call set dial_started_at = null where id = ?', [row.id]);
          throw err;
        }
        if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
          throw fail(`Twilio refused the call (${e.status})`, CALL_FAILURES.twilioRefused);
        throw err; // an answer lost on the way: the next attempt looks the call up
      }
    },

    /** Moves the call forward on a status callback (never backwards, never out of a final status). */
    async applyCallStatus(
      input: { callId: string; note?: string } & CallStatusUpdate,
    ): Promise<{ status: CallStatus }> {
      return fork().transactional(async (tx) => {
        const [row] = (await tx.execute('select status from caller_call where id = ? for update', [input.callId])) as {
          status: CallStatus;
        }[];
        if (!row || !advances(row.status, input.status)) return { status: row?.status ?? input.status };
        await tx.execute(
          `update caller_call set status = ?, duration = coalesce(?, duration),
              recording_url = coalesce(?, recording_url), agent_notes = coalesce(?, agent_notes),
              end_time = case when ? then now() else end_time end, updated_at = now() where id = ?`,
          [
            input.status,
            input.duration ?? null,
            input.recordingUrl ?? null,
            input.note ?? null,
            isTerminal(input.status),
            input.callId,
          ],
        );
        return { status: input.status };
      });
    },
  };
}

export type CallActivities = ReturnType<typeof createCallActivities>;
