// One GET per endpoint the profile version declares, through the ordinary Upgates client (its schemas, its
// typed errors, its 3-per-shop cap). Nothing here writes. The owner goes first and alone: if the credentials
// are rejected nothing else is sent, because Upgates blocks the IP after 5 failed logins in an hour; nor if the
// shop answers 429 with a wait longer than the client waits out in place.
import type { ProfileVersion } from '../profiles/index.js';
import type { UpgatesClient } from '../upgates/client.js';
import { UpgatesAuthError, UpgatesForbiddenError, UpgatesThrottledError, UpgatesValidationError } from '../upgates/errors.js';
import { RESOURCE_INFO, type Access, type Resource } from '../upgates/resources.js';
import { ITEM_SCHEMAS, type ListResource } from '../upgates/schemas/index.js';
import type { RecordedExchange } from './exchange-recorder.js';

export const MAX_PARALLEL_PROBES = 3;

export type ProbeOutcome = 'ok' | 'not-granted' | 'credentials-rejected' | 'schema-mismatch' | 'throttled' | 'error' | 'skipped';

export interface ProbeResult {
  access: Access;
  /** `GET /orders?page=1` */
  endpoint: string;
  outcome: ProbeOutcome;
  httpStatus: number | undefined;
  latencyMs: number | undefined;
  /** Records in the answer (first page only). */
  items: number | undefined;
  /** Fields that did not fit the client's schema: path in the answer and zod's message. */
  issues: Array<{ path: string; message: string }>;
  /** Error text of the client: method, path, status, access; never the key or record contents. */
  message: string | undefined;
  rateLimit: Record<string, string>;
  /** Webhook events the API user may register (GET /webhooks/events), when this probe is that call. */
  allowedEvents?: string[];
  /** Registered webhooks (GET /webhooks): how many, and how many Upgates has deactivated. */
  webhooks?: { total: number; inactive: number };
}

interface Probe {
  access: Access;
  path: string;
  query: string;
  run(client: UpgatesClient): Promise<Partial<ProbeResult>>;
}

const isListResource = (resource: Resource): resource is ListResource => resource in ITEM_SCHEMAS;
const isActive = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 'true';

function probeFor(resource: Resource): Probe {
  const access: Access = `${resource}:GET`;
  const path = RESOURCE_INFO[resource].path;
  if (resource === 'owner') return { access, path, query: '', run: async (c) => (await c.getOwner(), { items: 1 }) };
  if (resource === 'config') return { access, path, query: '', run: async (c) => (await c.getConfig(), { items: 1 }) };
  if (resource === 'conversionCodes')
    return { access, path, query: '', run: async (c) => ({ items: (await c.getConversionCodes()).length }) };
  if (resource === 'webhooks') {
    return {
      access,
      path,
      query: '?page=1',
      run: async (c) => {
        const { items } = await c.getPage('webhooks', 1);
        return { items: items.length, webhooks: { total: items.length, inactive: items.filter((w) => !isActive(w.active_yn)).length } };
      },
    };
  }
  if (isListResource(resource))
    return { access, path, query: '?page=1', run: async (c) => ({ items: (await c.getPage(resource, 1)).items.length }) };
  throw new Error(`no read probe for ${resource}`);
}

/** The webhook pre-check: which events Upgates lets this API user register (needs the data endpoint's read grant). */
const webhookEventsProbe: Probe = {
  access: 'webhooks:GET',
  path: '/webhooks/events',
  query: '',
  run: async (c) => {
    const events = await c.listWebhookEvents();
    return { items: events.length, allowedEvents: events.filter((e) => e.allowed_yn !== false).map((e) => e.name) };
  },
};

/** The GET probes of a profile version, owner first; plus the webhook events pre-check when it registers webhooks. */
export function probesFor(pv: ProfileVersion): Probe[] {
  const reads = pv.accesses.map((d) => d.access).filter((a) => a.endsWith(':GET'));
  const resources = [...new Set(reads.map((a) => a.split(':')[0] as Resource))];
  resources.sort((a, b) => Number(b === 'owner') - Number(a === 'owner'));
  const probes = resources.map(probeFor);
  if (resources.includes('webhooks') && pv.webhookEvents.length > 0) probes.push(webhookEventsProbe);
  return probes;
}

export async function runProbes(client: UpgatesClient, probes: Probe[], exchanges: RecordedExchange[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(probes.length);
  const first = probes[0];
  if (!first) return [];
  results[0] = await runOne(client, first, exchanges);
  // After a 401 every further call would be one more failed login towards the IP block; after a long 429 it
  // would only add load to a shop that already asked us to wait.
  const stop = {
    'credentials-rejected': 'not sent: the credentials were rejected',
    throttled: 'not sent: the shop is throttling',
  } as const;
  const outcome = results[0].outcome;
  if (outcome === 'credentials-rejected' || outcome === 'throttled') {
    for (let i = 1; i < probes.length; i++) results[i] = skipped(probes[i] as Probe, stop[outcome]);
    return results;
  }
  let next = 1;
  const worker = async () => {
    while (next < probes.length) {
      const i = next++;
      results[i] = await runOne(client, probes[i] as Probe, exchanges);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_PROBES, probes.length - 1) }, worker));
  return results;
}

async function runOne(client: UpgatesClient, probe: Probe, exchanges: RecordedExchange[]): Promise<ProbeResult> {
  const result: ProbeResult = {
    access: probe.access,
    endpoint: `GET ${probe.path}${probe.query}`,
    outcome: 'ok',
    httpStatus: undefined,
    latencyMs: undefined,
    items: undefined,
    issues: [],
    message: undefined,
    rateLimit: {},
  };
  const started = performance.now();
  try {
    Object.assign(result, await probe.run(client));
  } catch (error) {
    Object.assign(result, classify(error));
  }
  result.latencyMs = Math.round(performance.now() - started);
  // The last answer on this path (after a 301 the path has a new prefix, the suffix stays).
  const exchange = exchanges.filter((e) => e.path.split('?')[0]?.endsWith(probe.path)).at(-1);
  result.httpStatus = exchange?.status;
  result.rateLimit = exchange?.rateLimit ?? {};
  return result;
}

function classify(error: unknown): Partial<ProbeResult> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UpgatesAuthError) return { outcome: 'credentials-rejected', message };
  if (error instanceof UpgatesForbiddenError) return { outcome: 'not-granted', message };
  if (error instanceof UpgatesValidationError) {
    return { outcome: 'schema-mismatch', message, issues: error.issues.map((i) => ({ path: i.path || '(root)', message: i.message })) };
  }
  if (error instanceof UpgatesThrottledError) return { outcome: 'throttled', message };
  return { outcome: 'error', message };
}

function skipped(probe: Probe, message: string): ProbeResult {
  return {
    access: probe.access,
    endpoint: `GET ${probe.path}${probe.query}`,
    outcome: 'skipped',
    httpStatus: undefined,
    latencyMs: undefined,
    items: undefined,
    issues: [],
    message,
    rateLimit: {},
  };
}
