// `npm run manifest -- <profile> [--version N] [--json]`: prints the Marketplace declaration.
import { pathToFileURL } from 'node:url';
import { getProfile, PROFILE_NAMES, UnknownProfileError, type AddonProfileName } from './index.js';
import { buildManifest, renderManifestMarkdown } from './manifest.js';

const USAGE = `usage: npm run manifest -- <${PROFILE_NAMES.join('|')}> [--version N] [--json]`;

export function runPrintManifest(argv: string[]): { code: number; output: string } {
  const args = [...argv];
  const json = args.includes('--json');
  const versionIndex = args.indexOf('--version');
  let version: number | undefined;
  if (versionIndex >= 0) {
    version = Number(args[versionIndex + 1]);
    if (!Number.isInteger(version) || version < 1) return { code: 2, output: `--version needs a positive integer\n${USAGE}\n` };
    args.splice(versionIndex, 2);
  }
  const positional = args.filter((a) => !a.startsWith('--'));
  const name = positional[0];
  if (positional.length !== 1 || !name || !(PROFILE_NAMES as string[]).includes(name)) return { code: 2, output: `${USAGE}\n` };
  try {
    const pv = getProfile(name as AddonProfileName, version);
    return { code: 0, output: json ? `${JSON.stringify(buildManifest(pv), null, 2)}\n` : renderManifestMarkdown(pv) };
  } catch (error) {
    if (error instanceof UnknownProfileError) return { code: 2, output: `${error.message}\n` };
    throw error;
  }
}

// Run only as a script, so tests can import runPrintManifest.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { code, output } = runPrintManifest(process.argv.slice(2));
  (code === 0 ? process.stdout : process.stderr).write(output);
  process.exitCode = code;
}
