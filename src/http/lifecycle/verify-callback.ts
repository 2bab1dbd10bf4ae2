// Shared front half of every lifecycle route: parse JSON, validate with zod (400), verify signature_v2
// against Upgates' public key (401), check the signature's `time` (401). Nothing is stored or started
// before all three pass.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { PublicKeyUnavailableError, type PublicKeySource } from '../../upgates/public-key.js';
import { signatureTimeCheck, signedValues, type LifecycleCallback } from '../../upgates/signature.js';
import type { Logger } from '../../logger.js';

export interface VerifyDeps {
  publicKeys: PublicKeySource;
  signatureToken: string;
  logger: Logger;
}

/** Returns the validated body, or answers the request itself and returns undefined. */
export async function verifyCallback<S extends z.ZodType>(
  callback: LifecycleCallback,
  schema: S,
  req: Request,
  res: Response,
  deps: VerifyDeps,
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
  const timeCheck = signatureTimeCheck(body.time);
  if (!timeCheck.ok) {
    deps.logger.warn({ callback, shopToken: body.token, reason: timeCheck.reason }, 'rejected callback with a stale or invalid time');
    res.status(401).json({ error: true, message: `Signature time ${timeCheck.reason}` });
    return undefined;
  }
  return parsed.data;
}
