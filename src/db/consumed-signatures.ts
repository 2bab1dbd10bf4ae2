// One-time binding of lifecycle signatures (issue 14.1). The first callback that presents a signature_v2
// owns it; Upgates' own duplicates (same body, same endpoint) are recognised and answered again, anything
// else with that signature is a replay.
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { registerConsumedSignatureModel, type ConsumedSignatureModel } from './models/consumed-signature.js';
import { perConnection } from './per-connection.js';

export type Consumption = 'first' | 'duplicate' | 'replay';

export interface ConsumeInput {
  callback: string;
  signature: string;
  /** The validated body; its canonical JSON is what a duplicate must repeat exactly. */
  body: unknown;
  /** When the signature leaves the accepted time window (the entry may go then). */
  expiresAt: Date;
}

export interface ConsumedSignatures {
  consume(input: ConsumeInput): Promise<Consumption>;
  /** Deletes entries whose time window has ended (what MongoDB's TTL monitor does; FerretDB has none). */
  removeExpired(now?: Date): Promise<number>;
}

export const consumedSignatures: (connection: Connection) => ConsumedSignatures = perConnection((connection) =>
  createStore(registerConsumedSignatureModel(connection)),
);

function createStore(model: ConsumedSignatureModel): ConsumedSignatures {
  return {
    async consume({ callback, signature, body, expiresAt }) {
      const _id = sha256(signature);
      const bodyDigest = sha256(canonicalJson(body));
      // Two tries: an entry the TTL monitor removes between our insert and our read is inserted again.
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await model.create({ _id, callback, bodyDigest, consumedAt: new Date(), expiresAt });
          return 'first';
        } catch (error) {
          if ((error as { code?: number }).code !== 11000) throw error;
        }
        const existing = await model.findById(_id).lean();
        if (existing) return existing.callback === callback && existing.bodyDigest === bodyDigest ? 'duplicate' : 'replay';
      }
      return 'replay';
    },
    async removeExpired(now = new Date()) {
      return (await model.deleteMany({ expiresAt: { $lt: now } })).deletedCount ?? 0;
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with object keys sorted, so the same body always has the same digest. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}
