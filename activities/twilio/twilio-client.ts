import twilio from 'twilio';

const TWILIO_API = 'https://api.twilio.com';

/**
 * Sends the SDK's requests to another base URL (a mock of Twilio's published
 * OpenAPI spec in tests and demos) instead of api.twilio.com.
 */
class RebasedRequestClient extends twilio.RequestClient {
  private readonly base: string;

  constructor(base: string) {
    super({ timeout: 5_000 });
    this.base = base.replace(/\/$/, '');
  }

  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0] & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_API, this.base) });
  }
}

export interface TwilioSettings {
  accountSid?: string;
  authToken?: string;
  apiBase?: string;
}

export type TwilioClient = ReturnType<typeof twilio>;

export function createTwilioClient(s: TwilioSettings): TwilioClient | null {
  if (!s.accountSid || !s.authToken) return null;
  return twilio(s.accountSid, s.authToken, {
    timeout: 5_000,
    ...(s.apiBase ? { httpClient: new RebasedRequestClient(s.apiBase) } : {}),
  });
}
