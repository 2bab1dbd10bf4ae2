// The worker's health check activity: one document written through the driver and read back, which proves
// the worker's database path works end to end.
import type { Connection } from 'mongoose';

export function createHealthChecks(connection: Connection) {
  return {
    async writeAndReadBack(key: string, value: string): Promise<string> {
      const collection = connection.collection<{ _id: string; value: string; at: Date }>('health_checks');
      await collection.updateOne({ _id: key }, { $set: { value, at: new Date() } }, { upsert: true });
      const stored = await collection.findOne({ _id: key });
      if (!stored) throw new Error(`health check document ${key} not found after write`);
      return stored.value;
    },
  };
}

export type HealthChecks = ReturnType<typeof createHealthChecks>;
