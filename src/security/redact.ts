// What must never reach a log line. Used as pino's `redact.paths`, plus a test helper that scans
// captured output for the actual secret values (paths only cover the field names we thought of).

/** Field names whose values are secrets wherever they appear. */
const SECRET_FIELDS = [
  'apiKey',
  'apiUser',
  'api_key',
  'api_user',
  'credentials',
  'encryptedCredentials',
  'authorization',
  'Authorization',
  'cookie',
  'password',
  'appSecret',
  'signatureToken',
  'signature_token',
  'sessionToken',
  'session',
  'webhookKey',
] as const;

/**
 * pino `redact.paths` (fast-redact syntax). `*.x` covers one level of nesting; the explicit
 * request paths cover what pino-http and our route logs put there.
 */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.session',
  'req.params.key',
  'body.login.password',
  'body.signature_v2',
];

export const REDACT_CENSOR = '[redacted]';

/**
 * Masks the secrets that live inside URLs: the webhook key path segment and the `session` query
 * parameter of the iframe link. For `req.url` style log fields, which path redaction cannot reach.
 */
export function redactUrlSecrets(url: string): string {
  return url
    .replace(/(\/webhooks\/)[^/?#]+/g, `$1${REDACT_CENSOR}`)
    .replace(/([?&]session=)[^&#]*/g, `$1${REDACT_CENSOR}`)
    .replace(/(\/\/)[^/@\s]+:[^/@\s]+@/g, `$1${REDACT_CENSOR}@`); // user:pass@host
}

/**
 * True when any secret appears in the haystack, verbatim or in the encodings a logger or HTTP layer
 * would produce (JSON string escaping, URL encoding, base64). Empty secrets are ignored.
 */
export function containsSecret(haystack: string, secrets: string[]): boolean {
  return secrets.filter((secret) => secret.length > 0).some((secret) => encodings(secret).some((form) => haystack.includes(form)));
}

function encodings(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret, 'utf8').toString('base64')];
}
