import {
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CallerActivities } from '../../activities/caller/index.ts';
import {
  CALL_FAILURES,
  callStatusSignal,
  placementUpdate,
  type CallStatusUpdate,
  type Placement,
  type PlaceCallRequest,
  type PlaceCallResult,
} from '../../src/caller/place-call.contract.ts';
import { isTerminal, type CallStatus } from '../../src/caller/call-status.rules.ts';
import { maskPhone } from '../../src/caller/phone.rules.ts';
import { localDbStep } from '../presets.ts';

const { recordIntent } = proxyLocalActivities<CallerActivities>({ ...localDbStep, summary: 'Record the call intent' });
const { applyCallStatus } = proxyLocalActivities<CallerActivities>({
  ...localDbStep,
  summary: 'Apply a status callback',
});

/** How long a placed call may go without reaching a final status before the run stops following it. */
const FOLLOW_FOR = '4h';

/**
 * call:<clientId>:<caller>:<key>. Record the intent, place the call once, answer
 * the `placement` update with Twilio's SID, then follow Twilio's status
 * callbacks (signals) until the call is over.
 */
export async function placeOutboundCall(input: PlaceCallRequest): Promise<PlaceCallResult> {
  const { workflowId } = workflowInfo();
  let placement: Placement | undefined;
  let failure: ApplicationFailure | undefined;
  const callbacks: CallStatusUpdate[] = [];
  setHandler(placementUpdate, async () => {
    await condition(() => placement !== undefined || failure !== undefined);
    if (failure) throw failure;
    return placement!;
  });
  setHandler(callStatusSignal, (update) => {
    callbacks.push(update);
  });

  const intent = await recordIntent({ ...input, workflowId });
  const { dial } = proxyActivities<CallerActivities>({
    startToCloseTimeout: '20s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
    summary: `call ${maskPhone(input.phone)} via ${intent.agentId}`,
  });
  try {
    const { callSid } = await dial({ callId: intent.callId });
    placement = { callId: intent.callId, callSid, requestId: input.requestId };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    failure =
      cause instanceof ApplicationFailure
        ? ApplicationFailure.nonRetryable(cause.message, cause.type)
        : ApplicationFailure.nonRetryable('The call could not be placed', 'CALL_FAILED');
    await applyCallStatus({
      callId: intent.callId,
      status: 'failed',
      sequenceNumber: -1,
      ...(failure.type === CALL_FAILURES.outcomeUnknown
        ? { note: 'Outcome unknown: an earlier attempt may have placed this call; check Twilio before calling again' }
        : {}),
    });
    throw failure;
  }

  let status: CallStatus = 'queued';
  while (!isTerminal(status)) {
    if (!(await condition(() => callbacks.length > 0, FOLLOW_FOR))) break;
    status = (await applyCallStatus({ callId: intent.callId, ...callbacks.shift()! })).status;
  }
  return { ...placement, status };
}
