// Searching for secrets where the app writes: workflow histories (payloads decoded) and MongoDB documents.
// Shared by the secrets e2e test and the chaos scenarios, so every "secrets found" figure is a real search.
import type { Client } from '@temporalio/client';
import type { Database } from '../../src/db/connection.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * JSON with payload data decoded, so secrets inside payloads are visible: byte arrays as UTF-8, and base64
 * strings (fetchHistory() returns payload `data` and `metadata` base64-encoded) followed by their decoding.
 */
export function serialise(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string' && v.length >= 8 && BASE64.test(v)) return `${v} => ${Buffer.from(v, 'base64').toString('utf8')}`;
    return v;
  });
}

/** The secrets found in `text`, as plain text or base64 (a payload codec or a careless encoding would hide it). */
export function leaks(text: string, secrets: string[]): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(Buffer.from(s).toString('base64')));
}

/** Every workflow of a task queue with its description and full history, serialised for `leaks`. */
export async function historiesOf(client: Client, taskQueue: string): Promise<Array<{ workflowId: string; text: string }>> {
  const out: Array<{ workflowId: string; text: string }> = [];
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
    out.push({
      workflowId: wf.workflowId,
      text: serialise({ info: wf, described: await handle.describe(), history: await handle.fetchHistory() }),
    });
  }
  return out;
}

/** Every document of every collection, serialised per collection. */
export async function documentsOf(db: Database): Promise<Array<{ name: string; documents: number; text: string }>> {
  const out: Array<{ name: string; documents: number; text: string }> = [];
  for (const { name } of await db.connection.db!.listCollections().toArray()) {
    const docs = await db.connection.db!.collection(name).find({}).toArray();
    out.push({ name, documents: docs.length, text: serialise(docs) });
  }
  return out;
}

/** Secrets found in the histories of a task queue and in the database: a count of (place, secret) hits. */
export async function searchSecrets(client: Client, taskQueue: string, db: Database, secrets: string[]) {
  const histories = await historiesOf(client, taskQueue);
  const collections = await documentsOf(db);
  const found =
    histories.reduce((n, h) => n + leaks(h.text, secrets).length, 0) + collections.reduce((n, c) => n + leaks(c.text, secrets).length, 0);
  // Positive control: the scan decodes payloads (the shop token is inside JSON payload bytes).
  const decoded = histories.some((h) => h.text.includes('\\"shopToken\\"'));
  return { found, histories: histories.length, documents: collections.reduce((n, c) => n + c.documents, 0), decoded };
}
