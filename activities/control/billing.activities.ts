import type Stripe from 'stripe';
import { stripeMode } from '../stripe/stripe-client.ts';
import { failureKind, statusOfChecks, type BillingResult, type Check } from '../../src/control/tool-results.ts';

export interface BillingDeps {
  stripe: Stripe | null;
  secretKey?: string;
  webhookSecret?: string;
  priceIds: string[];
}

export function createBillingActivities(deps: BillingDeps) {
  return {
    /**
     * Validates Stripe as configured: key present, API reachable with it, each
     * configured price active, webhook secret present. A failing dependency is a
     * failed or warning check in the answer, never a crash.
     */
    async validateStripeConfig(): Promise<BillingResult> {
      const started = Date.now();
      const checks: Check[] = [];
      const mode = deps.secretKey ? stripeMode(deps.secretKey) : null;
      checks.push({
        name: 'secretKey',
        ok: Boolean(deps.secretKey),
        critical: true,
        details: deps.secretKey ? `STRIPE_SECRET_KEY set (${mode} mode)` : 'STRIPE_SECRET_KEY is not set',
      });
      if (deps.stripe) {
        try {
          const balance = await deps.stripe.balance.retrieve();
          checks.push({
            name: 'apiReachable',
            ok: true,
            critical: true,
            details: `Stripe API answered (livemode=${balance.livemode})`,
          });
        } catch (err) {
          checks.push({
            name: 'apiReachable',
            ok: false,
            critical: true,
            details: `Stripe API call failed: ${failureKind(err)}`,
          });
        }
        // The configured prices are read at the same time; their checks keep the configured order.
        const stripe = deps.stripe;
        checks.push(
          ...(await Promise.all(
            deps.priceIds.map(async (id): Promise<Check> => {
              try {
                const price = await stripe.prices.retrieve(id);
                return {
                  name: `price:${id}`,
                  ok: price.active,
                  critical: false,
                  details: price.active ? `price ${id} is active` : `price ${id} is not active`,
                };
              } catch (err) {
                return {
                  name: `price:${id}`,
                  ok: false,
                  critical: false,
                  details: `price ${id} could not be read: ${failureKind(err)}`,
                };
              }
            }),
          )),
        );
        if (deps.priceIds.length === 0)
          checks.push({ name: 'prices', ok: false, critical: false, details: 'STRIPE_PRICE_IDS is not set' });
      }
      checks.push({
        name: 'webhookSecret',
        ok: Boolean(deps.webhookSecret),
        critical: false,
        details: deps.webhookSecret ? 'STRIPE_WEBHOOK_SECRET set' : 'STRIPE_WEBHOOK_SECRET is not set',
      });
      const status = statusOfChecks(checks);
      const failing = checks.filter((c) => !c.ok).map((c) => c.details);
      return {
        ok: status !== 'failed',
        status,
        details: mode ? `Stripe ${mode}${failing.length ? `: ${failing.join('; ')}` : ''}` : 'Stripe not configured',
        stripeConfigured: Boolean(deps.secretKey),
        stripeMode: mode,
        checks,
        durationMs: Date.now() - started,
      };
    },
  };
}
