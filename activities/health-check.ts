import type { ActivityDeps } from './deps.js';

export function createHealthCheckActivities({ stores }: Pick<ActivityDeps, 'stores'>) {
  return {
    /** Writes a document through mongoose and reads it back: proves the worker's database path works. */
    async writeAndReadBack({ key, value }: { key: string; value: string }): Promise<string> {
      return stores.healthChecks.writeAndReadBack(key, value);
    },
  };
}
