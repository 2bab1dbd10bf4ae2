// Shared front half of every lifecycle route: parse JSON, validate with zod (400), verify signature_v2
// against Upgates' public key (401), check the signature's `time` against the window (401), then bind the
// signature to this callback and body for good (401 when it was consumed by another callback or body).
// Nothing is stored or started before all of these pass.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Config } from '../../config.js';
import type { Database } from '../../db/connection.js';
import type { Stores } from '../../db/stores.js';
import { PublicKeyUnavailableError, type PublicKeySource } from '../../upgates/public-key.js';
import { signatureTimeCheck, signedValues, type LifecycleCallback } from '../../upgates/signature.js';
import type { Logger } from '../../logger.js';
import { withDatabaseDeadline } from '../database-deadline.js';
import { signatureRefusals, signatureTimeOffset } from './lifecycle-metrics.js';

export interface VerifyDeps {
  publicKeys: PublicKeySource;
  signatureToken: string;
  logger: Logger;
  db: Pick<Database, 'connection'>;
  stores: Pick<Stores, 'consumedSignatures'>;
  config: Pick<Config, 'signatureMaxSkewSeconds'>;
}

/**
 * Returns the validated body, or answers the request itself and returns undefined. With `answerBy` (epoch ms)
 * the signature's consumption throws AnswerDeadlinePassedError when the database has not answered by then.
 */
export async function verifyCallback<S extends z.ZodType>(
  callback: LifecycleCallback,
  schema: S,
  req: Request,
  res: Response,
  deps: VerifyDeps,
  options: { answerBy?: number } = {},
): Promise<z.output<S> | undefined> {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))].join(', ');
    res.status(400).json({ error: true, message: `Invalid ${callback} callback: check ${fields}` });
    return undefined;
  }
  const body = parsed.data as { token: string; time: string; signature_v2: string } & Record<string, string>;
  const values =
    callback === 'install'
      ? signedValues('install', body as unknown as { token: string; apiUser: string; apiKey: string; apiUrl: string; time: string })
      : signedValues(callback, body);
  let valid: boolean;
  try {
    valid = await deps.publicKeys.verifyWithRefresh(values, deps.signatureToken, body.signature_v2);
  } catch (error) {
    if (error instanceof PublicKeyUnavailableError) {
      deps.logger.error({ callback }, 'Upgates public key unavailable; cannot verify callback');
      res.status(503).json({ error: true, message: 'Signature key temporarily unavailable, please retry' });
      return undefined;
    }
    throw error;
  }
  if (!valid) {
    deps.logger.warn({ callback, shopToken: body.token }, 'rejected callback with an invalid signature');
    res.status(401).json({ error: true, message: 'Invalid signature' });
    return undefined;
  }
  const skewSeconds = deps.config.signatureMaxSkewSeconds;
  const timeCheck = signatureTimeCheck(body.time, new Date(), skewSeconds);
  if (!timeCheck.ok) {
    signatureRefusals.inc({ callback, reason: timeCheck.reason });
    deps.logger.warn({ callback, shopToken: body.token, reason: timeCheck.reason }, 'rejected callback with a stale or invalid time');
    res.status(401).json({ error: true, message: `Signature time ${timeCheck.reason}` });
    return undefined;
  }
  signatureTimeOffset.observe({ callback }, timeCheck.offsetSeconds);
  // Kept until `time` leaves the window: after that the time check refuses the signature by itself.
  const expiresAt = new Date(timeCheck.at.getTime() + skewSeconds * 1000 + 60_000);
  const consumption = await withDatabaseDeadline(
    deps.db.connection,
    () => deps.stores.consumedSignatures.consume({ callback, signature: body.signature_v2, body: parsed.data, expiresAt }),
    { answerBy: options.answerBy },
  );
  if (consumption === 'replay') {
    signatureRefusals.inc({ callback, reason: 'replay' });
    deps.logger.warn({ callback, shopToken: body.token }, 'rejected a signature already used by another callback or body');
    res.status(401).json({ error: true, message: 'Signature already used' });
    return undefined;
  }
  return parsed.data;
}
