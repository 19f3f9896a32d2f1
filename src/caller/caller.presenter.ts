import { iso, isoOrNull } from '../platform/http/wire.ts';

export interface ClientRow {
  id: string;
  status: string;
  agent_id: string;
  twilio_phone_number: string;
  full_name: string;
  email: string;
  phone: string;
  business_name: string | null;
  city: string | null;
  job_title: string | null;
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CallRow {
  id: string;
  client_id: string;
  call_sid: string | null;
  request_id: string;
  phone: string;
  from_number: string;
  agent_id: string;
  start_time: Date;
  end_time: Date | null;
  duration: number | null;
  status: string;
  recording_url: string | null;
  outcome: string | null;
  summary: string | null;
  transcript: string | null;
  sentiment: string | null;
  next_action: string | null;
  next_action_date: Date | null;
  agent_notes: string | null;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v != null));

/** A client as spec 003 shows it; `withNotes: false` for the list, which leaves notes out. */
export function presentClient(c: ClientRow, opts: { withNotes?: boolean } = {}) {
  return {
    clientId: c.id,
    status: c.status,
    agentId: c.agent_id,
    twilioPhoneNumber: c.twilio_phone_number,
    clientMeta: defined({
      fullName: c.full_name,
      email: c.email,
      phone: c.phone,
      businessName: c.business_name,
      city: c.city,
      jobTitle: c.job_title,
      ...(opts.withNotes === false ? {} : { notes: c.notes }),
    }),
    createdAt: iso(c.created_at),
    updatedAt: iso(c.updated_at),
  };
}

export function presentCall(c: CallRow) {
  return {
    callId: c.id,
    callData: defined({
      callSid: c.call_sid,
      requestId: c.request_id,
      phone: c.phone,
      from: c.from_number,
      agentId: c.agent_id,
      startTime: iso(c.start_time),
      endTime: isoOrNull(c.end_time),
      duration: c.duration,
      status: c.status,
      recordingUrl: c.recording_url,
    }),
    callDetails: defined({
      callOutcome: c.outcome,
      callSummary: c.summary,
      callTranscript: c.transcript,
      callSentiment: c.sentiment,
      nextAction: c.next_action,
      nextActionDate: isoOrNull(c.next_action_date),
      agentNotes: c.agent_notes,
    }),
  };
}
