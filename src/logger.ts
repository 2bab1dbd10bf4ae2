// One pino logger for the process. Secrets are redacted by path as a second line of defence; the first
// is that credentials are never put into log calls at all. The path list lives in one place
// (src/security/redact.ts) so the logger and the tests that search output for secrets agree.
import { pino, type DestinationStream, type Logger } from 'pino';
import { REDACT_CENSOR, REDACT_PATHS } from './security/redact.js';

export { REDACT_PATHS };

export function createLogger(level: string, name = 'upgates-addon', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
