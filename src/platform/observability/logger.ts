import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Secrets are removed by path (pino's redact): every place a credential is
// logged under a known name. Personal data (phone numbers, email addresses) can
// turn up anywhere — a path, an error message, a deletion log — so every string
// that is logged is scrubbed of them as well.

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwordHash',
  'token',
  'secret',
  'apiKey',
  'key',
  'x-book8-internal-secret',
  'x-conversation-token',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const p = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const nested = p.startsWith('[') ? p : `.${p}`;
  return [p, `*${nested}`, `headers${nested}`, `req.headers${nested}`, `*.headers${nested}`];
});

const E164 = /\+\d{7,15}\b/g;
const EMAIL = /\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g;

/** A phone number keeps its country code and last two digits; an email its first letter and domain. */
export function scrubPersonalData(text: string): string {
  return text.replace(E164, (n) => `${n.slice(0, 3)}…${n.slice(-2)}`).replace(EMAIL, '$1…@$2');
}

function scrubValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubPersonalData(v);
  if (depth > 8 || v === null || typeof v !== 'object') return v;
  if (v instanceof Error) {
    return {
      type: v.name,
      message: scrubPersonalData(v.message),
      stack: v.stack ? scrubPersonalData(v.stack) : undefined,
    };
  }
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1));
  if (v instanceof Date) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValue(x, depth + 1)]));
}

/** JSON logs; credentials and personal data are removed before they leave the process. */
export function createLogger(level: string, name = 'ops-platform', destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrubValue(a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
