import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import twilio from 'twilio';
import type { DurableServiceDeps } from '../platform/module.ts';
import { actorLabel, type AuditContext } from '../platform/audit/audit.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { awaitOutcome, startOrAttach } from '../platform/temporal/runs.ts';
import type { ApplicationFailure } from '@temporalio/common';
import {
  CALL_FAILURES,
  PLACE_CALL,
  callStatusSignal,
  callWorkflowId,
  CALL_PLACED_CHANNEL,
  type Placement,
  type PlaceCallWorkflow,
} from './place-call.contract.ts';
import { isCallStatus } from './call-status.rules.ts';
import { maskPhone } from './phone.rules.ts';
import { callOperationUrl, statusCallbackUrl } from './caller.paths.ts';
import type { ClientService } from './clients.service.ts';
import { callBackWhenDone, checkCallbackUrl, type CallbackSettings } from '../platform/callbacks/start-callback.ts';

export type MakeCallOutcome =
  | { state: 'placed'; workflowId: string; placement: Placement }
  | { state: 'running'; workflowId: string; statusUrl: string };

const FAILURE_STATUS: Record<string, number> = {
  [CALL_FAILURES.clientNotFound]: 404,
  [CALL_FAILURES.twilioRefused]: 502,
  [CALL_FAILURES.outcomeUnknown]: 500,
};

/** A failed call run as the caller is told it: its business failure's status, or 500 with the run named. */
function callFailed({ failure, error }: { failure: ApplicationFailure | null; error: Error }, wfId: string): AppError {
  const status = failure?.type ? FAILURE_STATUS[failure.type] : undefined;
  if (status === 404) return notFound('client', 'Client not found');
  if (status) return new AppError(status, failure!.type!, failure!.message, { details: { workflowId: wfId } });
  return new AppError(500, 'CALL_FAILED', 'The call could not be placed', {
    cause: error,
    details: { workflowId: wfId },
  });
}

export function createCallService(
  deps: DurableServiceDeps & {
    clients: ClientService;
    twilioAuthToken?: string;
    publicUrl: string;
    callbacks: CallbackSettings;
  },
) {
  const em = () => deps.orm.em as EntityManager;

  /** The placement a finished run left in the call row (a retry after the call is over). */
  async function placedBefore(wfId: string, phone: string): Promise<Placement | null> {
    const [row] = (await em().execute('select id, call_sid, request_id, phone from caller_call where workflow_id = ?', [
      wfId,
    ])) as { id: string; call_sid: string | null; request_id: string; phone: string }[];
    if (!row?.call_sid) return null;
    if (row.phone !== phone) throw keyReused();
    return { callId: row.id, callSid: row.call_sid, requestId: row.request_id };
  }

  return {
    /**
     * Starts (or joins) call:<clientId>:<caller>:<key>, then answers once the call
     * row holds Twilio's SID: the dial step commits it and the database announces
     * it (caller_call_placed), so the answer does not wait for the run to report
     * back through the engine. A duplicate request joins the same run and gets the
     * same SID; the call is placed once. A run that fails (Twilio refused, the
     * client vanished) answers with its failure.
     */
    async makeCall(
      clientId: string,
      { phone, callbackUrl }: { phone: string; callbackUrl?: string },
      caller: string,
      key: string,
      who: AuditContext,
    ): Promise<MakeCallOutcome> {
      if (callbackUrl) await checkCallbackUrl(deps.callbacks, callbackUrl, 'callbackUrl');
      const client = await deps.clients.clientRow(clientId);
      if (client.status !== 'Active') throw new AppError(403, CALL_FAILURES.clientInactive, 'Client is not active');
      const wfId = callWorkflowId(clientId, caller, key);
      const labels = { operation: PLACE_CALL.operation, tenantId: clientId, actor: actorLabel(who) };
      const handle = await startOrAttach<PlaceCallWorkflow>(deps.temporal, {
        workflowType: PLACE_CALL.workflowType,
        workflowId: wfId,
        taskQueue: deps.taskQueue,
        args: [
          {
            callId: `call_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
            clientId,
            requestId: key,
            phone,
            audit: who,
          },
        ],
        labels,
        memo: { requestId: who.requestId },
        summary: `Call ${maskPhone(phone)} for ${clientId}`,
      });
      // Once the run exists (placed or not yet), its end is announced where the request asked.
      if (callbackUrl)
        await callBackWhenDone(deps.temporal, deps.taskQueue, handle, {
          url: callbackUrl,
          operation: PLACE_CALL.operation,
          actor: labels.actor,
          tenantId: clientId,
        });
      // The dial step commits the SID and the database announces it: the answer does not wait for the run.
      const outcome = await awaitOutcome<Placement>(handle, deps.syncWaitMs, deps.stopping, {
        notifications: deps.notifications,
        channel: CALL_PLACED_CHANNEL,
        read: () => placedBefore(wfId, phone),
      });
      if (outcome.state === 'completed') return { state: 'placed', workflowId: wfId, placement: outcome.result };
      if (outcome.state === 'running')
        return {
          state: 'running',
          workflowId: wfId,
          statusUrl: callOperationUrl(wfId, who.actorType === 'caller-client'),
        };
      throw callFailed(outcome, wfId);
    },

    /**
     * A Twilio status callback: its X-Twilio-Signature is checked by the Twilio
     * SDK over the URL Twilio was given; each (call, SequenceNumber) is accepted
     * once, then handed to the call's run as a signal.
     */
    async statusCallback(callId: string, signature: string, params: Record<string, string>) {
      const url = statusCallbackUrl(deps.publicUrl, callId);
      // Without TWILIO_AUTH_TOKEN nothing can be verified, so nothing is accepted.
      if (!deps.twilioAuthToken || !signature || !twilio.validateRequest(deps.twilioAuthToken, signature, url, params))
        throw new AppError(403, 'INVALID_SIGNATURE', 'The request is not signed by Twilio');
      const [call] = (await em().execute('select id, call_sid, workflow_id from caller_call where id = ?', [
        callId,
      ])) as {
        id: string;
        call_sid: string | null;
        workflow_id: string | null;
      }[];
      if (!call || !call.workflow_id || (call.call_sid && params.CallSid !== call.call_sid))
        throw notFound('call', 'Call not found');
      const status = params.CallStatus;
      const sequenceNumber = Number(params.SequenceNumber);
      if (!isCallStatus(status) || !Number.isInteger(sequenceNumber) || sequenceNumber < 0)
        throw new AppError(400, 'VALIDATION_ERROR', 'CallStatus and SequenceNumber are required', {
          details: { issues: [{ field: 'body.CallStatus', message: 'must be a Twilio call status' }] },
        });
      const accepted = (await em().execute(
        `insert into caller_call_event (call_id, sequence_number, status) values (?, ?, ?)
          on conflict do nothing returning call_id`,
        [callId, sequenceNumber, status],
      )) as unknown[];
      if (!accepted.length) throw new AppError(409, 'DUPLICATE_CALLBACK', 'This callback was already received');
      const duration = params.CallDuration ? Number(params.CallDuration) : undefined;
      const update = {
        status,
        sequenceNumber,
        ...(duration !== undefined && Number.isInteger(duration) ? { duration } : {}),
        ...(params.RecordingUrl?.startsWith('https://') ? { recordingUrl: params.RecordingUrl } : {}),
      };
      let signalled = true;
      try {
        await deps.temporal.workflow.getHandle(call.workflow_id).signal(callStatusSignal, update);
      } catch (err) {
        // The run stopped following the call (final status, or four hours): nothing left to move.
        if (err instanceof WorkflowNotFoundError) signalled = false;
        else {
          // Not delivered: forget the callback so Twilio's retry is accepted, and say so.
          await em().execute('delete from caller_call_event where call_id = ? and sequence_number = ?', [
            callId,
            sequenceNumber,
          ]);
          throw new AppError(503, 'WORKFLOW_ENGINE_UNAVAILABLE', 'The callback could not be delivered; retry', {
            cause: err,
          });
        }
      }
      return { received: true, applied: signalled };
    },

    /** A make-call run's status; with `clientId`, only that client's runs exist. */
    async operation(wfId: string, clientId?: string) {
      const prefix = clientId ? `${PLACE_CALL.operation}:${clientId}:` : `${PLACE_CALL.operation}:`;
      if (!wfId.startsWith(prefix)) throw notFound('operation', 'Operation not found');
      const desc = await deps.temporal.workflow
        .getHandle(wfId)
        .describe()
        .catch(() => null);
      if (!desc) throw notFound('operation', 'Operation not found');
      const [row] = (await em().execute('select id, call_sid, status from caller_call where workflow_id = ?', [
        wfId,
      ])) as {
        id: string;
        call_sid: string | null;
        status: string;
      }[];
      return {
        workflowId: wfId,
        runStatus: desc.status.name,
        ...(row ? { callId: row.id, callSid: row.call_sid, status: row.status } : {}),
      };
    },
  };
}

const keyReused = () =>
  new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used to call another number');

export type CallService = ReturnType<typeof createCallService>;
