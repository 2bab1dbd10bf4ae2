// Entry of `npm run doctor` (see run.ts; flags and environment variables in options.ts).
import { environmentForDoctor } from '../config.js';
import { runDoctor } from './run.js';

const { code, output } = await runDoctor(process.argv.slice(2), environmentForDoctor());
(code === 2 ? process.stderr : process.stdout).write(output);
process.exitCode = code;
