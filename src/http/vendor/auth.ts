// Bearer-token authentication of the vendor API. The token is compared in constant time (on SHA-256
// digests, so the length of the expected token leaks nothing either).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function vendorAuth(expectedToken: string): RequestHandler {
  const expected = digest(expectedToken);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="vendor-api"')
        .json({ error: true, message: 'Missing or invalid bearer token' });
      return;
    }
    next();
  };
}
