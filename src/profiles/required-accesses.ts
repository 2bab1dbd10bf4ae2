// Which API accesses a profile version needs, derived from what it does (webhooks, syncs, writes).
// The consistency test checks this set equals the declared one: nothing the runtime does is undeclared
// (Upgates' automatic control would flag it) and nothing declared is unused (the reviewer asks why).
import { access, RESOURCES, RESOURCE_INFO, type Access, type Resource } from '../upgates/resources.js';
import type { ProfileVersion } from './types.js';

export interface RequiredAccess {
  access: Access;
  reasons: string[];
}

/** `Orders.update` -> `orders`; undefined for an event family we have no resource for. */
export function webhookEventResource(event: string): Resource | undefined {
  const family = event.split('.')[0];
  return RESOURCES.find((resource) => RESOURCE_INFO[resource].webhookFamily === family);
}

export function requiredAccesses(pv: ProfileVersion): RequiredAccess[] {
  const needed = new Map<Access, string[]>();
  const need = (a: Access, reason: string) => needed.set(a, [...(needed.get(a) ?? []), reason]);

  // The install workflow always fetches the owner to pair the account.
  need('owner:GET', 'install: pair the account');

  for (const event of pv.webhookEvents) {
    const resource = webhookEventResource(event);
    if (!resource) throw new Error(`${pv.profile} v${pv.version}: webhook event ${event} has no known resource`);
    // Webhook payloads carry ids only; the records are fetched. Upgates also refuses to create a webhook
    // for an event whose data endpoint the API user cannot read.
    need(access(resource, 'GET'), `webhook ${event}: fetch the changed records`);
  }
  if (pv.webhookEvents.length > 0) {
    need('webhooks:GET', 'webhook registration pre-check and daily health check');
    need('webhooks:POST', 'webhook registration');
    need('webhooks:PUT', 're-enable deactivated webhooks');
    need('webhooks:DELETE', 'remove webhooks on version change');
  }
  for (const scope of pv.initialSync) need(access(scope.resource, 'GET'), `initial sync of ${scope.resource}`);
  for (const resource of pv.codeLists) need(access(resource, 'GET'), `code list ${resource}`);
  for (const action of pv.backSync) need(action.access, `back-sync ${action.id}`);
  if (pv.conversionCodes?.length) {
    need('conversionCodes:POST', 'create conversion codes at install and version change');
    need('conversionCodes:PUT', 'update conversion codes on version change');
    need('conversionCodes:DELETE', 'remove conversion codes on version change');
  }
  return [...needed].map(([a, reasons]) => ({ access: a, reasons }));
}

/** Accesses the profile's behaviour needs but does not declare. Must be empty. */
export function undeclaredAccesses(pv: ProfileVersion): Access[] {
  const declared = new Set(pv.accesses.map((d) => d.access));
  return requiredAccesses(pv)
    .map((r) => r.access)
    .filter((a) => !declared.has(a));
}

/** Declared accesses nothing in the profile uses. Must be empty too. */
export function unusedAccesses(pv: ProfileVersion): Access[] {
  const required = new Set(requiredAccesses(pv).map((r) => r.access));
  return pv.accesses.map((d) => d.access).filter((a) => !required.has(a));
}
