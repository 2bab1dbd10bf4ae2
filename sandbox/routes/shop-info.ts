// GET /status (always allowed; lists privileges), /owner, /config, /languages.
import { Router } from 'express';
import { RESOURCES, RESOURCE_INFO } from '../../src/upgates/resources.js';
import type { SandboxContext } from '../context.js';
import { shopOf } from '../http.js';
import { notAllowed } from './common.js';

export function shopInfoRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.route('/status')
    .get((_req, res) => {
      const shop = shopOf(res);
      const services = RESOURCES.map((resource) => {
        const canRead = shop.isGranted(`${resource}:GET`);
        const canWrite = (['POST', 'PUT', 'DELETE'] as const).some((mm) => shop.isGranted(`${resource}:${mm}`));
        const privilege = resource === 'webhooks' ? 'all' : canWrite ? 'all' : canRead ? 'readonly' : 'deny';
        return { service: RESOURCE_INFO[resource].path.slice(1), url: `${shop.apiUrl}${RESOURCE_INFO[resource].path}`, privilege };
      });
      res.json({ services, documentation_link: 'https://upgatesapiv2.docs.apiary.io/' });
    })
    .all(notAllowed);
  r.route('/owner')
    .get((_req, res) => {
      const owner = shopOf(res).store.catalog.owner;
      // Undocumented whether the wire form is an array of one object or a bare object.
      res.json({ owner: ctx.options.ownerAsArray ? [owner] : owner });
    })
    .all(notAllowed);
  r.route('/config')
    .get((_req, res) => {
      res.json(shopOf(res).store.catalog.config);
    })
    .all(notAllowed);
  r.route('/languages')
    .get((_req, res) => {
      res.json({ languages: shopOf(res).store.catalog.languages });
    })
    .all(notAllowed);
  return r;
}
