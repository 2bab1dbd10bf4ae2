// Security headers of the iframe page. The page must be framable by the Upgates admin and by nothing else:
// CSP `frame-ancestors` lists the admin origins (config UPGATES_ADMIN_ORIGINS) and X-Frame-Options is off,
// because its only values (DENY/SAMEORIGIN) would forbid the admin too and it cannot name another origin.
// Scripts and styles run only with the per-response nonce; nothing else may load, connect or be posted to.
import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { AppDeps } from '../deps.js';

export const nonceOf = (res: Response): string => res.locals.cspNonce as string;

export function securityHeaders(deps: AppDeps): RequestHandler[] {
  const nonce = (_req: unknown, res: unknown) => `'nonce-${nonceOf(res as Response)}'`;
  const frameAncestors = deps.config.upgates.adminOrigins.length ? deps.config.upgates.adminOrigins : ["'none'"];
  return [
    (_req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString('base64');
      // The page carries the session: never cache it, anywhere.
      res.set('Cache-Control', 'no-store');
      next();
    },
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: [nonce],
          styleSrc: [nonce],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          frameAncestors,
        },
      },
      xFrameOptions: false,
      // A document framed by another site: it must not demand or refuse cross-origin embedding headers.
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  ];
}
