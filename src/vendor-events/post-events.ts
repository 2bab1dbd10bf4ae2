// One delivery attempt: the shop's next events POSTed to VENDOR_EVENTS_URL, signed (signature.ts). Only a
// 2xx within the timeout counts as acknowledged; anything else (refused, timeout, 3xx-5xx) is an error the
// caller retries with the same events, so the vendor may receive a batch more than once (dedupe by `id`).
import type { VendorEventsConfig } from '../config.js';
import { signVendorEvents } from './signature.js';

export interface VendorEvent {
  /** Stable across retries: `<shop>:<seq>:<resource>:<record id>`, one id per change of a record. */
  id: string;
  resource: string;
  record_id: string;
  change: 'created' | 'updated' | 'deleted';
  /** The change feed's cursor at this change (GET /api/vendor/shops/:token/changes?cursor=... continues after it). */
  cursor: string;
}

export interface VendorEventsBody {
  shop: string;
  events: VendorEvent[];
}

export class VendorEventsRejected extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'VendorEventsRejected';
  }
}

export async function postVendorEvents(
  config: Pick<VendorEventsConfig, 'url' | 'secret' | 'timeoutMs'>,
  body: VendorEventsBody,
): Promise<void> {
  const text = JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signVendorEvents(text, config.secret) },
      body: text,
      signal: AbortSignal.timeout(config.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : (e.cause?.code ?? e.message);
    throw new VendorEventsRejected(`vendor endpoint unreachable: ${reason}`, null);
  }
  await response.arrayBuffer().catch(() => undefined); // free the connection
  if (response.status < 200 || response.status > 299)
    throw new VendorEventsRejected(`vendor endpoint answered HTTP ${response.status}`, response.status);
}
