// Fault injection, per shop or global ('*'): latency, 5xx share, hung requests, dropped connections and forced
// 429 storms. Shop settings win over global ones field by field.
import { Rng } from './prng.js';
import type { FaultConfig } from './types.js';

export interface FaultDecision {
  latencyMs: number;
  storm?: { retryAfterSeconds: number };
  hang?: { timeoutMs: number };
  drop: boolean;
  errorStatus?: number;
  corruptFields?: NonNullable<FaultConfig['corruptFields']>;
}

export class Faults {
  private readonly configs = new Map<string, FaultConfig>();
  private readonly rngs = new Map<string, Rng>();

  constructor(private readonly defaultHangTimeoutMs: number) {}

  set(tokenOrAll: string, f: FaultConfig): void {
    this.configs.set(tokenOrAll, f);
    this.rngs.set(tokenOrAll, new Rng(f.seed ?? Math.floor(Math.random() * 2 ** 32)));
  }

  clear(tokenOrAll?: string): void {
    if (tokenOrAll === undefined) {
      this.configs.clear();
      this.rngs.clear();
    } else {
      this.configs.delete(tokenOrAll);
      this.rngs.delete(tokenOrAll);
    }
  }

  get(tokenOrAll: string): FaultConfig | undefined {
    return this.configs.get(tokenOrAll);
  }

  decide(shopToken: string, now: number): FaultDecision {
    const key = this.configs.has(shopToken) ? shopToken : '*';
    const f: FaultConfig = { ...(this.configs.get('*') ?? {}), ...(this.configs.get(shopToken) ?? {}) };
    const rng = this.rngs.get(key) ?? this.rngs.get('*') ?? new Rng(1);
    const out: FaultDecision = { latencyMs: 0, drop: false };
    if (f.storm && (f.storm.untilMs === undefined || now < f.storm.untilMs)) out.storm = { retryAfterSeconds: f.storm.retryAfterSeconds };
    if (typeof f.latencyMs === 'number') out.latencyMs = f.latencyMs;
    else if (f.latencyMs) out.latencyMs = f.latencyMs.min + rng.next() * (f.latencyMs.max - f.latencyMs.min);
    if (f.hangRate && rng.chance(f.hangRate)) out.hang = { timeoutMs: f.hangTimeoutMs ?? this.defaultHangTimeoutMs };
    else if (f.dropRate && rng.chance(f.dropRate)) out.drop = true;
    else if (f.errorRate && rng.chance(f.errorRate)) out.errorStatus = f.errorStatus ?? 500;
    if (f.corruptFields?.length) out.corruptFields = f.corruptFields;
    return out;
  }
}

/** Sets each dotted path that exists in `body` (array indexes as numbers) to its value; other paths are ignored. */
export function corruptBody(body: unknown, fields: NonNullable<FaultConfig['corruptFields']>): unknown {
  for (const { path, value } of fields) {
    const keys = path.split('.');
    const last = keys.pop();
    let node: unknown = body;
    for (const key of keys) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (last !== undefined && node !== null && typeof node === 'object' && last in node) (node as Record<string, unknown>)[last] = value;
  }
  return body;
}
