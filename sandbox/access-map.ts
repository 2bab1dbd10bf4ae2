// Maps a request path under the API base to the Access the Marketplace declaration grants ("orders:GET").
import { access, type Access, type HttpMethod, type Resource } from '../src/upgates/resources.js';

const SEGMENT_TO_RESOURCE: Record<string, Resource> = {
  owner: 'owner',
  config: 'config',
  languages: 'languages',
  orders: 'orders',
  'order-statuses': 'orderStatuses',
  products: 'products',
  parameters: 'parameters',
  categories: 'categories',
  customers: 'customers',
  shipments: 'shipments',
  payments: 'payments',
  webhooks: 'webhooks',
  'conversion-codes': 'conversionCodes',
  vouchers: 'vouchers',
};

export function resourceOfPath(path: string): Resource | undefined {
  const seg = path.split('/').filter(Boolean)[0] ?? '';
  return SEGMENT_TO_RESOURCE[seg];
}

export function accessOf(method: string, path: string): Access | null {
  const r = resourceOfPath(path);
  const mm = method.toUpperCase();
  if (!r || !['GET', 'POST', 'PUT', 'DELETE'].includes(mm)) return null;
  return access(r, mm as HttpMethod);
}

/** `/status` and `/webhooks` need no privilege (documented). */
export function alwaysAllowed(path: string): boolean {
  const seg = path.split('/').filter(Boolean)[0] ?? '';
  return seg === 'status' || seg === 'webhooks' || seg === '';
}
