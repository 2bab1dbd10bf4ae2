// `npm run vendor-token -- create --name <who> (--shops a,b | --all) | list | revoke <id>`: vendor API
// tokens in MongoDB (MONGODB_URI). A token is printed once, at creation; only its digest is stored.
// Rotation without downtime: create the new token, switch the vendor's system to it, revoke the old one.
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/connection.js';
import type { VendorTokenModel } from '../db/models/vendor-token.js';
import { createVendorToken, listVendorTokens, revokeVendorToken } from '../db/vendor-tokens.js';

const USAGE = 'usage: npm run vendor-token -- create --name <who> (--shops <token,token> | --all) | list | revoke <id>';

const option = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

export async function runVendorTokenCli(argv: string[], VendorToken: VendorTokenModel): Promise<{ code: number; output: string }> {
  const [command, ...args] = argv;
  if (command === 'create') {
    const name = option(args, '--name');
    const shops = option(args, '--shops');
    const all = args.includes('--all');
    if (!name || all === (shops !== undefined)) return { code: 2, output: `${USAGE}\n` };
    const list =
      shops
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? null;
    if (list && list.length === 0) return { code: 2, output: `--shops needs at least one shop token\n${USAGE}\n` };
    const { id, token } = await createVendorToken(VendorToken, { name, shops: list });
    return {
      code: 0,
      output: `created ${id} (${name}) for ${list ? list.join(', ') : 'all shops'}\n${token}\nStore it now: it is not shown again.\n`,
    };
  }
  if (command === 'list') {
    const tokens = await listVendorTokens(VendorToken);
    const lines = tokens.map(
      (t) =>
        `${t.id}  ${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active'}  ${t.name}  ${t.shops ? t.shops.join(',') : 'all shops'}  created ${t.createdAt.toISOString()}`,
    );
    return { code: 0, output: `${lines.length ? lines.join('\n') : 'no tokens (only the bootstrap VENDOR_API_TOKEN)'}\n` };
  }
  if (command === 'revoke') {
    const id = args[0];
    if (!id) return { code: 2, output: `${USAGE}\n` };
    return (await revokeVendorToken(VendorToken, id))
      ? { code: 0, output: `revoked ${id}\n` }
      : { code: 1, output: `no active token ${id}\n` };
  }
  return { code: 2, output: `${USAGE}\n` };
}

// Run only as a script, so tests can import runVendorTokenCli.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const db = await connectDatabase(loadConfig().mongodbUri);
  try {
    const { code, output } = await runVendorTokenCli(process.argv.slice(2), db.models.VendorToken);
    process.stdout.write(output);
    process.exitCode = code;
  } finally {
    await db.close();
  }
}
