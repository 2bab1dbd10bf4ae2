// Installed-looking shops written straight into the app's database (no install callback): a Shop document
// with its webhook key, as postInstall stores it. Enough for the webhook route and the shop workflow.
import type { Database } from '../../src/db/connection.js';
import type { Config } from '../../src/config.js';
import { latestVersion } from '../../src/profiles/index.js';
import { createWebhookUrlKeys } from '../../src/shops/webhook-url-key.js';

export async function createShopDocs(db: Database, config: Config, tokens: string[]): Promise<Map<string, string>> {
  const keys = createWebhookUrlKeys(config.appSecret, config.publicUrl);
  const out = new Map<string, string>();
  const docs = tokens.map((token) => {
    const nonce = keys.newNonce();
    const key = keys.keyFor(token, nonce);
    out.set(token, key);
    return {
      token,
      status: 'active',
      profile: config.profile,
      version: latestVersion(config.profile),
      webhookKeyNonce: nonce,
      webhookKeyHash: keys.hash(key),
      installedAt: new Date(),
    };
  });
  await db.models.Shop.insertMany(docs);
  return out;
}
