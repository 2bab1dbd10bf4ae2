// `npm run sandbox -- <command>`:
//   serve   [--port 8787] [--host 127.0.0.1] [--shops 1] [--orders 250] [--products 120] [--seed 1] [--installed] [--show-secrets]
//   install --addon <url> --token <t> [--sandbox http://127.0.0.1:8787] [--version N]   (also: open, uninstall, version)
//   mutate  --token <t> [--orders-update N] [--orders-create N] [--orders-delete N] [--products-update N] ... [--sandbox url]
//   shops   [--sandbox url]
// Commands other than `serve` talk to a running sandbox through its /_sandbox endpoints.
import { parseArgs } from 'node:util';
import { startSandbox } from './index.js';
import type { MutationSpec } from './types.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    shops: { type: 'string' },
    orders: { type: 'string' },
    products: { type: 'string' },
    customers: { type: 'string' },
    seed: { type: 'string' },
    installed: { type: 'boolean' },
    'show-secrets': { type: 'boolean' },
    'not-verified': { type: 'boolean' },
    addon: { type: 'string' },
    token: { type: 'string' },
    version: { type: 'string' },
    sandbox: { type: 'string' },
    // --orders-update N, --products-create N, ... for `mutate`
    ...Object.fromEntries(
      ['orders', 'products', 'customers', 'categories'].flatMap((r) =>
        ['update', 'create', 'delete'].map((k) => [`${r}-${k}`, { type: 'string' as const }]),
      ),
    ),
  },
});
const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
const num = (k: string, d: number): number => (str(k) !== undefined ? Number(str(k)) : d);
const sandboxUrl = str('sandbox') ?? process.env.UPGATES_SANDBOX_URL ?? 'http://127.0.0.1:8787';
const showSecrets = values['show-secrets'] === true;

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandboxUrl}/_sandbox${path}${showSecrets ? '?secrets=1' : ''}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function serve(): Promise<void> {
  const sb = await startSandbox({
    port: num('port', 8787),
    host: str('host') ?? '127.0.0.1',
    verifiedAddon: values['not-verified'] !== true,
  });
  const count = num('shops', 1);
  for (let k = 1; k <= count; k++) {
    const shop = sb.createShop({
      token: `shop-${k}`,
      seed: num('seed', 1) + k - 1,
      orders: num('orders', 250),
      products: num('products', 120),
      customers: num('customers', 100),
      preinstalled: values.installed === true,
    });
    const creds = shop.credentials;
    console.log(
      `shop ${shop.token} (${shop.projectName}) api ${shop.apiUrl}${creds ? ` user ${creds.apiUser}${showSecrets ? ` key ${creds.apiKey}` : ''}` : ' (not installed)'}`,
    );
  }
  console.log(`Upgates sandbox on ${sb.url}`);
  console.log(`public key      ${sb.publicKeyUrl}`);
  console.log(`introspection   ${sb.url}/_sandbox/shops`);
  const stop = async () => {
    await sb.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const [command] = positionals;
  const token = str('token');
  switch (command) {
    case 'serve':
      return serve();
    case 'install':
    case 'open':
    case 'uninstall':
    case 'version': {
      if (!token || !str('addon')) throw new Error(`${command} needs --token and --addon`);
      const body: Record<string, unknown> = { addonUrl: str('addon') };
      if (str('version')) body.version = Number(str('version'));
      console.log(JSON.stringify(await call('POST', `/shops/${encodeURIComponent(token)}/lifecycle/${command}`, body), null, 2));
      return;
    }
    case 'mutate': {
      if (!token) throw new Error('mutate needs --token');
      const spec: MutationSpec = {};
      for (const res of ['orders', 'products', 'customers', 'categories'] as const) {
        for (const kind of ['update', 'create', 'delete'] as const) {
          const v = str(`${res}-${kind}`);
          if (v !== undefined) (spec[res] ??= {})[kind] = Number(v);
        }
      }
      console.log(JSON.stringify(await call('POST', `/shops/${encodeURIComponent(token)}/mutate`, spec), null, 2));
      return;
    }
    case 'shops':
      console.log(JSON.stringify(await call('GET', '/shops'), null, 2));
      return;
    default:
      console.log('usage: npm run sandbox -- serve|install|open|uninstall|version|mutate|shops [options]  (see sandbox/cli.ts)');
      process.exitCode = command ? 1 : 0;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
