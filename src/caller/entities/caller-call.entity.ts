import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

/** One outbound call: what was dialled (the intent), what Twilio said, and what came of it. */
const CallerCallSchema = defineEntity({
  name: 'CallerCall',
  tableName: 'caller_call',
  properties: {
    ...textId(),
    clientId: p.string(),
    callSid: p.string().nullable(),
    requestId: p.string(),
    workflowId: p.string().nullable().unique(),
    phone: p.string(),
    fromNumber: p.string(),
    agentId: p.string(),
    startTime: p.datetime(),
    endTime: p.datetime().nullable(),
    duration: p.integer().nullable(),
    status: p.string(),
    recordingUrl: p.string().nullable(),
    callCount: p.integer(),
    dialStartedAt: p.datetime().nullable(),
    outcome: p.string().nullable(),
    summary: p.string().nullable(),
    transcript: p.string().nullable(),
    sentiment: p.string().nullable(),
    nextAction: p.string().nullable(),
    nextActionDate: p.datetime().nullable(),
    agentNotes: p.string().nullable(),
    ...timestamps(),
  },
});
export class CallerCall extends CallerCallSchema.class {}
CallerCallSchema.setClass(CallerCall);

/** A Twilio status callback accepted for a call (its sequence number once). */
const CallerCallEventSchema = defineEntity({
  name: 'CallerCallEvent',
  tableName: 'caller_call_event',
  properties: {
    callId: p.string().primary(),
    sequenceNumber: p.integer().primary(),
    status: p.string(),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class CallerCallEvent extends CallerCallEventSchema.class {}
CallerCallEventSchema.setClass(CallerCallEvent);

export { CallerCallSchema, CallerCallEventSchema };
