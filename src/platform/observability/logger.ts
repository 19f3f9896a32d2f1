import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs; credentials and personal data are redacted before they leave the process. */
export function createLogger(level: string, name = 'ops-platform'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'apiKey', '*.apiKey', 'password', '*.password', 'phone', '*.phone'],
      censor: '[redacted]',
    },
  });
}
