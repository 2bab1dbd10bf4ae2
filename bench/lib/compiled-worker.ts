// The bench's worker child runs compiled JavaScript, like `npm start`: the production build (dist/, made by
// `npm run build` when a source is newer than it) with its prebuilt workflow bundle, and bench/worker-child.ts
// transpiled next to it (dist/bench/worker-child.js, so its `../src/...` imports resolve to dist/src). No tsx in
// the worker process: its memory is the production worker's, plus the bench's counters.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['src', 'workflows', 'activities', 'sandbox'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** The worker's V8 flags: `npm start`'s and the Dockerfile's (NODE_MAX_OLD_SPACE_MB at its default). */
const WORKER_NODE_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=4'];

export interface CompiledWorker {
  childPath: string;
  bundlePath: string;
  execArgv: string[];
  /** Whether `npm run build` ran for this bench (false: dist/ was up to date). */
  built: boolean;
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function ensureCompiledWorker(log: (line: string) => void): CompiledWorker {
  const main = join(root, 'dist/src/main.js');
  const bundlePath = join(root, 'dist/workflow-bundle.js');
  const sources = Math.max(...SOURCE_DIRS.map((d) => newestMtime(join(root, d))), ...SOURCE_FILES.map((f) => newestMtime(join(root, f))));
  const upToDate = existsSync(main) && existsSync(bundlePath) && Math.min(statSync(main).mtimeMs, statSync(bundlePath).mtimeMs) > sources;
  if (!upToDate) {
    const started = Date.now();
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    log(`npm run build in ${Date.now() - started} ms (dist/ was older than the sources)`);
  }
  const source = join(root, 'bench/worker-child.ts');
  const childPath = join(root, 'dist/bench/worker-child.js');
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false },
  });
  mkdirSync(join(root, 'dist/bench'), { recursive: true });
  writeFileSync(childPath, outputText);
  return {
    childPath,
    bundlePath,
    execArgv: [...WORKER_NODE_FLAGS, ...(process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean)],
    built: !upToDate,
  };
}
