// One pino logger for the process. Secrets are redacted by path as a second line of defence; the first
// is that credentials are never put into log calls at all.
import { pino, type Logger } from 'pino';

export const REDACT_PATHS = [
  'apiKey',
  'apiUser',
  'credentials',
  'authorization',
  'password',
  '*.apiKey',
  '*.apiUser',
  '*.credentials',
  '*.authorization',
  '*.password',
  'req.headers.authorization',
  'body.apiKey',
  'body.apiUser',
  'body.signature_v2',
];

export function createLogger(level: string, name = 'upgates-addon'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

export type { Logger };
