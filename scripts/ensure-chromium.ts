// Makes sure the Debian chromium the browser tests drive (through playwright-core) is installed at
// /usr/bin/chromium. Idempotent: does nothing when it is already there. Never downloads a browser build
// of its own; it only asks apt for the distribution package, so it needs root (or a root CI image).
//
//   npx tsx scripts/ensure-chromium.ts
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';

export const CHROMIUM_PATH = '/usr/bin/chromium';

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  console.log(`$ ${command} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    // Inherit stdio so apt's progress shows as it happens.
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args[0] ?? ''} exited with ${signal ?? code}`)),
    );
  });
}

export async function ensureChromium(): Promise<string> {
  if (await executable(CHROMIUM_PATH)) {
    console.log(`chromium already installed at ${CHROMIUM_PATH}`);
    return CHROMIUM_PATH;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing; run this script as root (it calls apt-get install -y chromium)`);
  }
  console.log(`${CHROMIUM_PATH} is missing: installing the Debian chromium package`);
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  if (!(await executable(CHROMIUM_PATH))) throw new Error(`apt-get finished but ${CHROMIUM_PATH} is still missing`);
  console.log(`chromium installed at ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureChromium().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
