// Webhook deliveries as Upgates makes them (reference §4.2): POST JSON `{project_name, <list>: [...]}`, at most
// 5000 records per call (events of one webhook within a short window are batched), success = 200 or 204, 1 s
// timeout, retry every 5 min until 12 h then deactivate the webhook. timeScale shrinks the 5 min / 12 h (not the
// 1 s timeout). Duplicates and shuffling can be injected; every attempt is logged.
import { request } from 'undici';
import type { SandboxContext } from './context.js';
import { LIST_KEY, type ChangeEvent, type Item } from './data/webhook-items.js';
import { Rng } from './prng.js';
import type { ShopState } from './shop.js';
import { isoTime } from './time.js';
import type { DeliveryRecord, WebhookRecord } from './types.js';

interface Queue {
  shop: ShopState;
  webhook: WebhookRecord;
  items: Item[];
  variants: Item[];
  timer?: NodeJS.Timeout;
}

export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly queues = new Map<number, Queue>();
  /** Attempts running right now. */
  private readonly running = new Set<Promise<void>>();
  /** Delivery id -> scheduled retry (or jittered first attempt). */
  private readonly scheduled = new Map<number, NodeJS.Timeout>();
  private nextId = 1;
  private readonly rng = new Rng(Math.floor(Math.random() * 2 ** 32));
  private stopped = false;

  constructor(private readonly ctx: SandboxContext) {}

  /** Queue one change for every active webhook of the shop registered for its event. */
  enqueue(shop: ShopState, e: ChangeEvent): void {
    if (this.stopped) return;
    for (const w of shop.webhookList) {
      if (!w.active_yn || w.event !== e.event) continue;
      let q = this.queues.get(w.id);
      if (!q) {
        q = { shop, webhook: w, items: [], variants: [] };
        this.queues.set(w.id, q);
      }
      q.items.push(e.item);
      if (e.variants) q.variants.push(...e.variants);
      if (!q.timer) {
        const queue = q;
        q.timer = setTimeout(() => this.dispatch(queue), this.ctx.options.webhookBatchWindowMs);
      }
    }
  }

  /** Webhook deleted or deactivated: pending and scheduled calls are dropped. */
  cancelWebhook(webhookId: number): void {
    const q = this.queues.get(webhookId);
    if (q?.timer) clearTimeout(q.timer);
    this.queues.delete(webhookId);
    for (const d of this.deliveries) {
      if (d.webhookId === webhookId && d.state === 'pending') {
        const t = this.scheduled.get(d.id);
        if (t) clearTimeout(t);
        this.scheduled.delete(d.id);
        d.state = 'cancelled';
      }
    }
  }

  private dispatch(q: Queue): void {
    if (q.timer) clearTimeout(q.timer);
    this.queues.delete(q.webhook.id);
    const family = q.webhook.event.split('.')[0] ?? '';
    const listKey = LIST_KEY[family] ?? family.toLowerCase();
    const max = this.ctx.options.webhookMaxRecords;
    const items = this.ctx.options.shuffle ? this.rng.shuffle([...q.items]) : q.items;
    // Products.delete: products and their variants both count toward the per-call record limit.
    const records: Array<{ kind: 'item' | 'variant'; value: Item }> = [
      ...items.map((value) => ({ kind: 'item' as const, value })),
      ...q.variants.map((value) => ({ kind: 'variant' as const, value })),
    ];
    for (let start = 0; start < records.length; start += max) {
      const chunk = records.slice(start, start + max);
      const body: Record<string, unknown> = {
        project_name: q.shop.projectName,
        [listKey]: chunk.filter((r) => r.kind === 'item').map((r) => this.ids(r.value)),
      };
      if (q.webhook.event === 'Products.delete') body.variants = chunk.filter((r) => r.kind === 'variant').map((r) => this.ids(r.value));
      const d = this.newDelivery(q.shop, q.webhook, body, chunk.length, false);
      if (this.ctx.options.shuffle) this.schedule(d, this.rng.int(0, Math.max(1, this.ctx.options.webhookBatchWindowMs)));
      else this.start(d);
    }
  }

  private ids(item: Item): Item {
    if (!this.ctx.options.webhookIdsAsStrings) return item;
    const out: Item = {};
    for (const [k, v] of Object.entries(item)) out[k] = typeof v === 'number' && k.endsWith('_id') ? String(v) : v;
    return out;
  }

  private newDelivery(
    shop: ShopState,
    w: WebhookRecord,
    body: Record<string, unknown>,
    records: number,
    duplicate: boolean,
  ): DeliveryRecord {
    const d: DeliveryRecord = {
      id: this.nextId++,
      shopToken: shop.token,
      webhookId: w.id,
      event: w.event,
      url: w.url,
      body,
      records,
      duplicate,
      state: 'pending',
      attempts: [],
      firstAttemptAt: null,
    };
    this.deliveries.push(d);
    return d;
  }

  private schedule(d: DeliveryRecord, ms: number): void {
    const t = setTimeout(() => {
      this.scheduled.delete(d.id);
      this.start(d);
    }, ms);
    this.scheduled.set(d.id, t);
  }

  private start(d: DeliveryRecord): void {
    const p = this.attempt(d).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private findWebhook(d: DeliveryRecord): { shop: ShopState; w: WebhookRecord } | undefined {
    const shop = this.ctx.shops.get(d.shopToken);
    const w = shop?.webhookList.find((x) => x.id === d.webhookId);
    return shop && w ? { shop, w } : undefined;
  }

  private async attempt(d: DeliveryRecord): Promise<void> {
    const found = this.findWebhook(d);
    if (this.stopped || !found || !found.w.active_yn || d.state !== 'pending') {
      if (d.state === 'pending') d.state = 'cancelled';
      return;
    }
    const { shop, w } = found;
    const o = this.ctx.options;
    const at = this.ctx.clock.now();
    d.firstAttemptAt ??= at;
    const started = performance.now();
    let status = 0;
    let outcome: 'ok' | 'bad-status' | 'timeout' | 'network-error';
    let error: string | undefined;
    try {
      const url = new URL(d.url);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Upgates-Sandbox-Webhooks' };
      // URLs may embed credentials; libcurl sends them as HTTP Basic.
      if (url.username || url.password) {
        headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
        url.username = '';
        url.password = '';
      }
      const res = await request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(d.body),
        signal: AbortSignal.timeout(o.webhookTimeoutMs),
      });
      status = res.statusCode;
      await res.body.text().catch(() => '');
      outcome = status === 200 || status === 204 ? 'ok' : 'bad-status';
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError' || /abort|timeout/i.test(e.message);
      outcome = timedOut ? 'timeout' : 'network-error';
      error = e.message;
    }
    const durationMs = Math.round(performance.now() - started);
    d.attempts.push({ at, status, durationMs, outcome, ...(error ? { error } : {}) });
    if (d.state !== 'pending') return; // cancelled while in flight

    const delivered = outcome === 'ok' || (outcome === 'timeout' && o.timeoutCountsAsDelivered);
    if (delivered) {
      d.state = 'delivered';
      w.last_success_call = isoTime(at);
      w.last_success_call_status = status || null;
      if (!d.duplicate && o.duplicateRate > 0 && this.rng.chance(o.duplicateRate)) {
        this.start(this.newDelivery(shop, w, d.body, d.records, true));
      }
      return;
    }
    w.last_error_call = isoTime(at);
    w.last_error_call_status = status || null;
    const scale = o.timeScale;
    const elapsed = this.ctx.clock.now() - (d.firstAttemptAt ?? at);
    if (elapsed + o.webhookRetryIntervalMs * scale > o.webhookGiveUpAfterMs * scale) {
      d.state = 'abandoned';
      this.ctx.logger.warn(
        { webhookId: w.id, shop: shop.token, attempts: d.attempts.length },
        'webhook not delivered within the give-up window; deactivating',
      );
      shop.deactivateWebhook(w.id);
      return;
    }
    this.schedule(d, o.webhookRetryIntervalMs * scale);
  }

  /** Send everything still waiting in a batch window now, and wait for those first attempts. */
  async flush(): Promise<void> {
    for (const q of [...this.queues.values()]) this.dispatch(q);
    await Promise.allSettled([...this.running]);
  }

  /** Resolves when nothing is queued, running or scheduled for retry. */
  async waitIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.queues.size > 0 || this.running.size > 0 || this.scheduled.size > 0) {
      if (Date.now() > deadline)
        throw new Error(
          `webhook deliveries not idle after ${timeoutMs} ms (queued ${this.queues.size}, running ${this.running.size}, retrying ${this.scheduled.size})`,
        );
      if (this.running.size > 0) await Promise.race([Promise.allSettled([...this.running]), sleep(20)]);
      else await sleep(10);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
    this.queues.clear();
    for (const t of this.scheduled.values()) clearTimeout(t);
    this.scheduled.clear();
    await Promise.allSettled([...this.running]);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
