// `npm run build` step: bundles the workflows once (webpack) into dist/workflow-bundle.js, so a production
// worker starts without webpack (less start-up time and memory); src/temporal/worker.ts loads it when present.
// A second bundle carries the OpenTelemetry workflow interceptors: the worker loads it when tracing is on.
import { writeFileSync } from 'node:fs';
import { bundleWorkflows, prebuiltBundlePath, prebuiltTracedBundlePath } from './worker.js';

for (const [path, tracing] of [
  [prebuiltBundlePath, false],
  [prebuiltTracedBundlePath, true],
] as const) {
  const bundle = await bundleWorkflows({ tracing });
  writeFileSync(path, bundle.code);
  process.stdout.write(`workflow bundle${tracing ? ' (with tracing interceptors)' : ''} written to ${path}\n`);
}
