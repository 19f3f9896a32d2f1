import twilio from 'twilio';

/**
 * The TwiML that connects the answered call to the client's ElevenLabs agent:
 * the call's audio is streamed to the agent's conversation endpoint for `agentId`.
 */
export function agentTwiml(streamBaseUrl: string, agentId: string, callId: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const url = new URL(streamBaseUrl);
  url.searchParams.set('agent_id', agentId);
  const stream = response.connect().stream({ url: url.toString() });
  stream.parameter({ name: 'callId', value: callId });
  return response.toString();
}
