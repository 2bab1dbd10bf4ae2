import type { ActivityDeps } from './deps.js';

export function createHealthCheckActivities({ db }: ActivityDeps) {
  return {
    /** Writes a document through mongoose and reads it back: proves the worker's database path works. */
    async writeAndReadBack({ key, value }: { key: string; value: string }): Promise<string> {
      const collection = db.connection.collection<{ _id: string; value: string; at: Date }>('health_checks');
      await collection.updateOne({ _id: key }, { $set: { value, at: new Date() } }, { upsert: true });
      const stored = await collection.findOne({ _id: key });
      if (!stored) throw new Error(`health check document ${key} not found after write`);
      return stored.value;
    },
  };
}
