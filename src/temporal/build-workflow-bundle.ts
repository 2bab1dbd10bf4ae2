// `npm run build` step: bundles the workflows once (webpack) into dist/workflow-bundle.js, so a production
// worker starts without webpack (less start-up time and memory); src/temporal/worker.ts loads it when present.
import { writeFileSync } from 'node:fs';
import { bundleWorkflows, prebuiltBundlePath } from './worker.js';

const bundle = await bundleWorkflows();
writeFileSync(prebuiltBundlePath, bundle.code);
process.stdout.write(`workflow bundle written to ${prebuiltBundlePath}\n`);
