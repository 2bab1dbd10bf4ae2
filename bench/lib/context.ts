import type { BenchServices } from './services.js';

export interface BenchContext {
  services: BenchServices;
  full: boolean;
  log(line: string): void;
}
