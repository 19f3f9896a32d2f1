import Stripe from 'stripe';

export interface StripeSettings {
  secretKey?: string;
  apiBase?: string;
}

/** The Stripe SDK, pointed at api.stripe.com or (tests, demos) a stripe-mock base URL. */
export function createStripeClient(s: StripeSettings): Stripe | null {
  if (!s.secretKey) return null;
  const base = s.apiBase ? new URL(s.apiBase) : null;
  return new Stripe(s.secretKey, {
    maxNetworkRetries: 1,
    timeout: 5_000,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
}

export const stripeMode = (secretKey: string) => (secretKey.includes('_live_') ? 'live' : 'test');
