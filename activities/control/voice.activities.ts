import type { MikroORM } from '@mikro-orm/postgresql';
import type { TwilioClient } from '../twilio/twilio-client.ts';
import { Client } from '../../src/tenants/entities/index.ts';
import { failureKind, statusOfChecks, type Check, type VoiceResult } from '../../src/control/tool-results.ts';

export interface VoiceDeps {
  orm: MikroORM;
  twilio: TwilioClient | null;
  accountSid?: string;
  voiceWebhookUrl?: string;
}

export function createVoiceActivities(deps: VoiceDeps) {
  return {
    /**
     * Four checks of the calling side through the Twilio SDK: credentials, the
     * account is active, its phone numbers can be listed, and the tenant's
     * number (or, without a tenant, the pool) is usable. Read-only: no call is placed.
     */
    async voiceSmokeTest(args: { businessId?: string }): Promise<VoiceResult> {
      const started = Date.now();
      const checks: Check[] = [];
      checks.push({
        name: 'credentials',
        ok: Boolean(deps.twilio),
        critical: true,
        details: deps.twilio ? 'Twilio credentials set' : 'TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set',
      });
      let numbers: string[] | null = null;
      if (deps.twilio && deps.accountSid) {
        // The two Twilio reads are independent: they go out together, their checks keep this order.
        const twilio = deps.twilio;
        const [account, listed] = await Promise.all([
          twilio.api.v2010
            .accounts(deps.accountSid)
            .fetch()
            .then(
              (a): Check => ({
                name: 'account',
                ok: a.status === 'active',
                critical: true,
                details: `Twilio account status: ${a.status}`,
              }),
              (err): Check => ({
                name: 'account',
                ok: false,
                critical: true,
                details: `Twilio account lookup failed: ${failureKind(err)}`,
              }),
            ),
          twilio.incomingPhoneNumbers.list({ limit: 50 }).then(
            (list) => ({
              numbers: list.map((n) => n.phoneNumber),
              check: {
                name: 'phoneNumbers',
                ok: true,
                critical: true,
                details: `${list.length} incoming number(s) listed`,
              } satisfies Check,
            }),
            (err) => ({
              numbers: null,
              check: {
                name: 'phoneNumbers',
                ok: false,
                critical: true,
                details: `listing incoming numbers failed: ${failureKind(err)}`,
              } satisfies Check,
            }),
          ),
        ]);
        numbers = listed.numbers;
        checks.push(account, listed.check);
      }
      const em = deps.orm.em.fork();
      if (args.businessId) {
        const client = await em.findOne(Client, args.businessId);
        const number = client?.twilioNumber ?? null;
        checks.push(
          number
            ? {
                name: 'tenantNumber',
                ok: true,
                critical: false,
                details: `tenant number ${number} assigned${
                  numbers && !numbers.includes(number) ? ' (not among the first 50 Twilio numbers listed)' : ''
                }`,
              }
            : { name: 'tenantNumber', ok: false, critical: false, details: 'tenant has no phone number assigned' },
        );
      } else {
        const [{ n }] = (await em.execute(
          `select count(*)::int as n from phone_number where status = 'AVAILABLE'`,
        )) as { n: number }[];
        checks.push({
          name: 'numberPool',
          ok: n > 0,
          critical: false,
          details: `${n} number(s) AVAILABLE in the pool`,
        });
      }
      if (deps.voiceWebhookUrl)
        checks.push({
          name: 'webhookUrl',
          ok: deps.voiceWebhookUrl.startsWith('https://'),
          critical: false,
          details: `voice webhook ${deps.voiceWebhookUrl}`,
        });
      const passed = checks.filter((c) => c.ok).length;
      const status = statusOfChecks(checks);
      return {
        ok: status !== 'failed',
        status,
        details: `${passed}/${checks.length} checks passed`,
        passed,
        total: checks.length,
        checks,
        durationMs: Date.now() - started,
      };
    },
  };
}
