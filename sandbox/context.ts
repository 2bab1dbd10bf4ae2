// State shared by every part of one running sandbox: options, clock, logger, shops, credentials and the API log.
import type { SandboxClock } from './clock.js';
import type { ChangeEvent } from './data/webhook-items.js';
import type { ShopState } from './shop.js';
import type { ApiCallRecord, ResolvedOptions, SandboxLogger } from './types.js';

export interface SandboxContext {
  options: ResolvedOptions;
  clock: SandboxClock;
  logger: SandboxLogger;
  /** Base URL once listening, e.g. http://127.0.0.1:4010. */
  url: string;
  shops: Map<string, ShopState>;
  /** apiUser -> shop, for live credentials. */
  credentials: Map<string, ShopState>;
  /** apiUsers revoked by uninstall: still answer 401. */
  revoked: Set<string>;
  calls: ApiCallRecord[];
  /** Change events go to the webhook sender. */
  onChange: (shop: ShopState, e: ChangeEvent) => void;
  /** Webhook deleted or deactivated: drop its pending deliveries. */
  onWebhookGone: (webhookId: number) => void;
  nextWebhookId: () => number;
}

export const silentLogger: SandboxLogger = { debug() {}, info() {}, warn() {}, error() {} };
