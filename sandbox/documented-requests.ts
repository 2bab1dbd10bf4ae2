// Our own table of the requests the official Upgates API v2 documents (API Blueprint and Postman collection in
// the public repository github.com/bicisteadm/upgates-ts-sdk) for the resources the profiles can touch.
// Bodies and data are ours; only method, path shape, expected status and the top-level key come from the docs.
// test/sandbox/documented-requests.test.ts replays it against the sandbox and reports the share that match.

export interface DocumentedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  status: number;
  /** Top-level key of the documented answer. */
  key: string;
}

const desc = (name: string) => [{ language_id: 'cs', name }];

export const DOCUMENTED_REQUESTS: DocumentedRequest[] = [
  { method: 'GET', path: '/status', status: 200, key: 'services' },
  { method: 'GET', path: '/owner', status: 200, key: 'owner' },
  { method: 'GET', path: '/config', status: 200, key: 'languages' },
  { method: 'GET', path: '/languages', status: 200, key: 'languages' },
  { method: 'GET', path: '/orders', status: 200, key: 'orders' },
  { method: 'GET', path: '/orders?page=2', status: 200, key: 'orders' },
  {
    method: 'PUT',
    path: '/orders',
    body: { orders: [{ order_number: '__ORDER__', status_id: '__STATUS__' }] },
    status: 200,
    key: 'orders',
  },
  { method: 'GET', path: '/order-statuses', status: 200, key: 'order_statuses' },
  { method: 'GET', path: '/order-statuses?type=Received', status: 200, key: 'order_statuses' },
  {
    method: 'POST',
    path: '/order-statuses',
    body: { color: '#112233', descriptions: desc('Čeká na dílnu') },
    status: 200,
    key: 'order_status',
  },
  {
    method: 'PUT',
    path: '/order-statuses',
    body: { id: '__NEW_STATUS__', descriptions: desc('Dílna hotova') },
    status: 200,
    key: 'order_status',
  },
  { method: 'DELETE', path: '/order-statuses/__NEW_STATUS__', status: 200, key: 'order_status' },
  { method: 'GET', path: '/products', status: 200, key: 'products' },
  { method: 'GET', path: '/products/__PRODUCT__/simple', status: 200, key: 'products' },
  { method: 'PUT', path: '/products', body: { products: [{ code: '__PRODUCT__', stock: 7 }] }, status: 200, key: 'products' },
  { method: 'GET', path: '/parameters', status: 200, key: 'parameters' },
  {
    method: 'POST',
    path: '/parameters',
    body: { parameters: [{ descriptions: desc('Materiál'), values: [{ descriptions: desc('Dub') }] }] },
    status: 200,
    key: 'parameters',
  },
  {
    method: 'PUT',
    path: '/parameters',
    body: { parameters: [{ id: '__NEW_PARAMETER__', descriptions: desc('Dřevo') }] },
    status: 200,
    key: 'parameters',
  },
  { method: 'DELETE', path: '/parameters/__NEW_PARAMETER__', status: 200, key: 'parameters' },
  { method: 'GET', path: '/categories', status: 200, key: 'categories' },
  {
    method: 'POST',
    path: '/categories',
    body: { categories: [{ code: 'doc-cat-1', active_yn: true, descriptions: desc('Dílna') }] },
    status: 200,
    key: 'categories',
  },
  { method: 'PUT', path: '/categories', body: { categories: [{ code: 'doc-cat-1', active_yn: false }] }, status: 200, key: 'categories' },
  { method: 'DELETE', path: '/categories?code=doc-cat-1', status: 200, key: 'categories' },
  { method: 'GET', path: '/customers', status: 200, key: 'customers' },
  {
    method: 'POST',
    path: '/customers',
    body: { customers: [{ email: 'doc.replay@example.test', firstname: 'Dana' }] },
    status: 200,
    key: 'customers',
  },
  { method: 'GET', path: '/vouchers', status: 200, key: 'vouchers' },
  { method: 'GET', path: '/shipments', status: 200, key: 'shipments' },
  { method: 'GET', path: '/payments', status: 200, key: 'payments' },
  { method: 'GET', path: '/conversion-codes', status: 200, key: 'conversion_codes' },
  { method: 'GET', path: '/webhooks', status: 200, key: 'webhooks' },
  { method: 'GET', path: '/webhooks/events', status: 200, key: 'events' },
  ...['Invoices', 'Labels', 'Pricelists', 'Shipments', 'Payments', 'Languages', 'Orders', 'Products', 'Customers', 'Categories'].map(
    (family): DocumentedRequest => ({
      method: 'POST',
      path: '/webhooks',
      body: { name: `doc ${family}`, url: 'https://addon.example.test/hook', event: `${family}.update`, active_yn: false },
      status: 200,
      key: 'webhook',
    }),
  ),
];
