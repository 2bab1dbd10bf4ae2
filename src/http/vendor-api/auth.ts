// Bearer-token authentication of the vendor API. Two kinds of token: the bootstrap VENDOR_API_TOKEN (every
// shop; compared in constant time on SHA-256 digests, so its length leaks nothing either) and tokens kept
// in MongoDB (src/db/vendor-tokens.ts), each scoped to a set of shops or to all. The scope is checked for
// every route with a `:token` parameter: 403 for a shop outside it, before anything is read or written.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, RequestParamHandler } from 'express';
import type { VendorScope } from '../../db/vendor-tokens.js';
import type { Stores } from '../../db/stores.js';
import type { AppDeps } from '../deps.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function vendorAuth(deps: Pick<AppDeps, 'config' | 'logger'> & { stores: Pick<Stores, 'vendorTokens'> }): RequestHandler {
  const bootstrap = digest(deps.config.vendorApiToken);
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const presented = match?.[1];
    if (presented && timingSafeEqual(digest(presented), bootstrap)) {
      res.locals.vendorScope = null satisfies VendorScope;
      next();
      return;
    }
    let verified: Awaited<ReturnType<Stores['vendorTokens']['verify']>>;
    try {
      verified = presented ? await deps.stores.vendorTokens.verify(presented) : undefined;
    } catch (error) {
      deps.logger.warn({ err: error }, 'vendor API: token store unavailable');
      res.status(503).set('Retry-After', '30').json({ error: true, message: 'Temporarily unavailable; retry later' });
      return;
    }
    if (!verified) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="vendor-api"')
        .json({ error: true, message: 'Missing or invalid bearer token' });
      return;
    }
    res.locals.vendorScope = verified.shops;
    res.locals.vendorTokenId = verified.id;
    next();
  };
}

/** `router.param('token', ...)`: a token scoped to other shops gets 403 and nothing happens. */
export const vendorShopScope: RequestParamHandler = (_req, res, next, shopToken: string) => {
  const scope = res.locals.vendorScope as VendorScope | undefined;
  if (scope === null || (scope !== undefined && scope.includes(shopToken))) {
    next();
    return;
  }
  res.status(403).json({ error: true, message: `This token is not allowed to act for shop ${shopToken}` });
};
