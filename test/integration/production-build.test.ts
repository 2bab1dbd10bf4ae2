// `npm run build` output runs on plain node: the compiled entry starts, and as production (NODE_ENV unset)
// it refuses the public development secrets; the prebuilt workflow bundle is written where the worker looks.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

describe('production build (npm run build)', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
  }, 240_000);

  it('writes compiled JavaScript and the prebuilt workflow bundle', async () => {
    expect(existsSync(`${root}dist/src/main.js`)).toBe(true);
    expect(statSync(`${root}dist/workflow-bundle.js`).size).toBeGreaterThan(10_000);
    const worker = (await import(`${root}dist/src/temporal/worker.js`)) as { prebuiltBundlePath: string; workflowsPath: string };
    expect(worker.prebuiltBundlePath).toBe(`${root}dist/workflow-bundle.js`);
    expect(existsSync(worker.workflowsPath)).toBe(true);
  });

  it('node dist/src/main.js (npm start) is production and stops without real secrets', () => {
    const { PATH, HOME } = process.env;
    const result = spawnSync('node', ['dist/src/main.js'], { cwd: root, env: { PATH, HOME }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/APP_SECRET/);
  });
});
