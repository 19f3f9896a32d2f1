import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AuditContext } from '../platform/audit/audit.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';
import type { CallStatus } from './call-status.rules.ts';

// call: the one place its workflow type, ID, input, output, messages and
// failure codes are spelled. Pure (no I/O): the workflow imports it too.

export const PLACE_CALL = { operation: 'call', workflowType: 'placeOutboundCall' } as const;

/**
 * `call:<clientId>:<caller>:<Idempotency-Key or requestId>`: the key is the
 * calling credential's own, so the same key from two callers is two intents,
 * and the same key again is the same call.
 */
export const callWorkflowId = (clientId: string, caller: string, key: string) =>
  workflowId(PLACE_CALL.operation, clientId, caller, key);

export interface PlaceCallRequest {
  callId: string;
  clientId: string;
  requestId: string;
  phone: string;
  audit: AuditContext;
}

export interface Placement {
  callId: string;
  callSid: string;
  requestId: string;
}

export interface CallStatusUpdate {
  status: CallStatus;
  sequenceNumber: number;
  duration?: number;
  recordingUrl?: string;
}

export interface PlaceCallResult extends Placement {
  status: CallStatus;
}

export type PlaceCallWorkflow = (input: PlaceCallRequest) => Promise<PlaceCallResult>;

/**
 * Answers once the call is placed (Twilio gave its SID), or fails as the placement failed. make-call
 * now waits for the row instead (CALL_PLACED_CHANNEL); the handler stays, so runs that were asked
 * through it replay as they ran, and any client may still ask a run for its placement.
 */
export const placementUpdate = defineUpdate<Placement>('placement');
/** The database's notice that a call row got its SID (payload: the run's workflow ID; see its migration). */
export const CALL_PLACED_CHANNEL = 'caller_call_placed';
/** A validated Twilio status callback. */
export const callStatusSignal = defineSignal<[CallStatusUpdate]>('callStatus');

export const CALL_FAILURES = {
  clientNotFound: 'CLIENT_NOT_FOUND',
  clientInactive: 'CLIENT_INACTIVE',
  twilioRefused: 'TWILIO_REFUSED',
  outcomeUnknown: 'CALL_OUTCOME_UNKNOWN',
} as const;
