// `npm run tools`: builds (once) or finds the Temporal CLI and FerretDB and prints where they are.
import { ensureFerretDb, ensureTemporalCli } from '../src/local/tool-binaries.js';

const temporal = ensureTemporalCli();
console.log(`temporal: ${temporal}`);
const ferretdb = ensureFerretDb();
console.log(`ferretdb: ${ferretdb}`);
