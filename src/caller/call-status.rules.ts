/**
 * A call's statuses, in the order Twilio moves through them. `initiated` is ours
 * (the intent, before Twilio answered); the rest are Twilio's CallStatus values.
 */
export const CALL_STATUSES = [
  'initiated',
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'failed',
  'no-answer',
  'busy',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const TERMINAL: readonly CallStatus[] = ['completed', 'failed', 'no-answer', 'busy', 'canceled'];

const RANK: Record<CallStatus, number> = {
  initiated: 0,
  queued: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  failed: 4,
  'no-answer': 4,
  busy: 4,
  canceled: 4,
};

export const isCallStatus = (s: string): s is CallStatus => (CALL_STATUSES as readonly string[]).includes(s);
export const isTerminal = (s: CallStatus) => TERMINAL.includes(s);

/**
 * Whether a callback may move the call from `from` to `to`: only forward, and
 * never out of a final status (callbacks can arrive late or out of order).
 */
export function advances(from: CallStatus, to: CallStatus): boolean {
  if (isTerminal(from)) return false;
  return RANK[to] > RANK[from];
}

export const CALL_OUTCOMES = ['interested', 'not-interested', 'callback', 'unavailable', 'unknown'] as const;
export const CALL_SENTIMENTS = ['positive', 'neutral', 'negative', 'unknown'] as const;
