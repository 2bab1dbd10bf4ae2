import type { BenchContext } from './lib/context.js';
import type { BenchResult } from './lib/report.js';
export async function initialSync(_ctx: BenchContext): Promise<Omit<BenchResult, 'durationMs'>> {
  throw new Error('not written yet');
}
