// Issue 21 end to end (sandbox over HTTP, real Temporal dev server, FerretDB): personal data is erased where
// the shop erases it. (1) A customer deleted in the shop leaves no field of theirs in any MongoDB collection
// (nor in any workflow history), on both tombstone paths: the Customers.delete webhook, and an update webhook
// for a customer Upgates no longer returns. (2) The retention purge after uninstall leaves nothing of the shop
// in any collection: not its token, not the owner's e-mail, not what was written back through the vendor API.
// The emailing profile is the one that mirrors customers (src/profiles/emailing.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxShop } from '../../sandbox/index.js';
import { deleteCustomer, findCustomer } from '../../sandbox/data/mutate.js';
import { createVendorToken, listVendorTokens } from '../../src/db/vendor-tokens.js';
import { uninstallWorkflowId } from '../../src/temporal/workflow-ids.js';
import { documentsOf, historiesOf } from '../chaos/secret-scan.js';
import { eventually, startE2E, type E2E } from '../helpers/e2e-env.js';
import { eventuallyMirrored, installLive } from './profile-kit.js';

const RETENTION_SECONDS = 6;

/** Per collection, which of `needles` occur in any of its documents (only collections with a hit). */
async function foundIn(e2e: E2E, needles: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of await documentsOf(e2e.app.db)) {
    const hits = needles.filter((n) => c.text.includes(n));
    if (hits.length) out[c.name] = hits;
  }
  return out;
}

/** Distinctive values (no other record carries them), so a hit anywhere is this customer's data. */
function personOf(tag: string, n: number) {
  const phone = `+420 731 55${n} 0${n}9`;
  const patch = {
    firstname: `Ludmila${tag}`,
    surname: `Zdenkova${tag}`,
    company: { name: `Erase${tag} s.r.o.`, company_number: `8765432${n}`, vat_number: `CZ8765432${n}`, vat_payer_yn: true },
    communication: { phone, fax: null, im: null, salutation: null, declension: null },
    addresses: {
      billing: { street: `Lesni${tag} ${4700 + n}`, city: `Erasetestov${tag}`, state: null, zip_code: `7931${n}`, country_id: 'cz' },
      postal: [{ street: `Postovni${tag} ${n}`, city: `Postov${tag}`, state: null, zip_code: `6020${n}`, country_id: 'cz' }],
    },
    note: `Prefers calls after 5 pm (${tag})`,
  };
  const fields = [
    patch.firstname,
    patch.surname,
    patch.company.name,
    patch.company.vat_number,
    phone,
    patch.addresses.billing.street,
    patch.addresses.billing.city,
    patch.addresses.postal[0]!.street,
    patch.addresses.postal[0]!.city,
    patch.note,
  ];
  return { patch, fields };
}

describe('personal data is erased where the shop erases it', () => {
  let e2e: E2E;
  let shop: SandboxShop;
  beforeAll(async () => {
    e2e = await startE2E('pd_erasure', {
      env: {
        ADDON_PROFILE: 'emailing',
        VENDOR_API_TOKEN: 'e2e-vendor-token-erasure-0123',
        UNINSTALL_RETENTION_SECONDS: String(RETENTION_SECONDS),
      },
    });
    shop = e2e.sandbox.createShop({
      token: 'pd-erase',
      projectName: 'Obchod Erase',
      seed: 61,
      orders: 2,
      products: 4,
      customers: 12,
      categories: 2,
      languages: ['cs'],
    });
    await installLive(e2e, shop);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  /** A customer whose e-mail is not part of another customer's e-mail, made distinctive and mirrored. */
  async function distinctiveCustomer(tag: string, n: number) {
    const emails = shop.data.customers.map((c) => String((c.login as { email: string }).email));
    const email = emails.find((e) => emails.filter((other) => other.includes(e)).length === 1)!;
    const id = String(shop.data.customer(email)!.customer_id);
    const person = personOf(tag, n);
    expect(shop.updateCustomer(email, person.patch).ok).toBe(true);
    await eventuallyMirrored(e2e, shop, 'customers');
    const needles = [email, ...person.fields];
    // Positive control: while the customer exists, the same search finds every field in the mirror.
    expect(await foundIn(e2e, needles)).toEqual({ synced_records: needles });
    return { email, id, needles };
  }

  async function tombstoneOf(id: string) {
    return eventually(`customer ${id} tombstoned`, async () => {
      const docs = await e2e.app.db.connection
        .db!.collection('synced_records')
        .find({ shopToken: shop.token, resource: 'customers', recordId: id })
        .toArray();
      return docs.length > 0 && docs.every((d) => d.deleted === true) ? docs : undefined;
    });
  }

  async function expectErasedEverywhere(needles: string[]) {
    expect(await foundIn(e2e, needles)).toEqual({});
    // The workflow histories of the shop never carried the customer's fields (webhook signals hold ids only).
    const histories = await historiesOf(e2e.app.temporal, e2e.app.config.temporal.taskQueue);
    expect(histories.length).toBeGreaterThan(0);
    expect(histories.filter((h) => needles.some((n) => h.text.includes(n))).map((h) => h.workflowId)).toEqual([]);
  }

  it('a Customers.delete delivery leaves no field of that customer in any collection', async () => {
    const { email, id, needles } = await distinctiveCustomer('Wh', 1);
    const deliveries = e2e.sandbox.deliveries.length;
    expect(shop.deleteCustomer(email)).toBe(true);
    const [tombstone] = await tombstoneOf(id);
    // The webhook path, not a refetch: the sandbox delivered Customers.delete.
    expect(e2e.sandbox.deliveries.slice(deliveries).map((d) => `${d.event} ${d.state}`)).toContain('Customers.delete delivered');
    expect(tombstone).toMatchObject({ data: null, deleted: true, recordId: id });
    expect(tombstone!.deletedAt).toBeInstanceOf(Date);
    await expectErasedEverywhere(needles);
  });

  it('an update webhook for a customer Upgates no longer returns (deleted meanwhile) erases it too', async () => {
    const { email, id, needles } = await distinctiveCustomer('Gone', 2);
    // Deleted in the shop with its delete webhook lost: only an update notice reaches us, and the fetch
    // by id comes back without the customer (activities/sync-records.ts fetchAndUpsert: "missing").
    const record = findCustomer(shop.store, email)!;
    deleteCustomer({ ...shop.mutationContext, emit: () => undefined }, record);
    const hook = shop.webhooks.find((w) => w.event === 'Customers.update')!;
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        project_name: shop.projectName,
        customers: [{ customer_id: Number(id), email, last_update_time: new Date().toISOString() }],
      }),
    });
    expect(res.status).toBe(200);
    const [tombstone] = await tombstoneOf(id);
    expect(tombstone).toMatchObject({ data: null, deleted: true, recordId: id });
    await expectErasedEverywhere(needles);
  });

  it('the retention purge after uninstall leaves neither the shop token nor the owner e-mail in any collection', async () => {
    const gone = e2e.sandbox.createShop({
      token: 'pd-purgeshop',
      projectName: 'Obchod Purgeshop',
      seed: 62,
      orders: 2,
      products: 3,
      customers: 6,
      categories: 1,
      languages: ['cs'],
    });
    await installLive(e2e, gone);
    const ownerEmail = String(gone.data.owner.email).toLowerCase();
    // Everything the app stores for a shop besides the mirror: a back-sync result under an Idempotency-Key,
    // vendor tokens scoped to it (alone, and with another shop), the API usage ledger, the owner's account.
    const subscriber = 'pd.purge.subscriber@example.com';
    const written = await fetch(`${e2e.addonUrl}/api/vendor/shops/${gone.token}/subscribers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${e2e.app.config.vendorApiToken}`,
        'content-type': 'application/json',
        'idempotency-key': 'pd-purge-consent-1',
      },
      body: JSON.stringify({ email: subscriber }),
    });
    expect(written.status).toBe(200);
    const { VendorToken } = e2e.app.db.models;
    const alone = await createVendorToken(VendorToken, { name: 'crm of one shop', shops: [gone.token] });
    const shared = await createVendorToken(VendorToken, { name: 'crm of two shops', shops: [gone.token, shop.token] });

    const needles = [gone.token, ownerEmail, subscriber];
    // Positive control: before the purge the search finds the shop in every collection that holds it.
    const before = await foundIn(e2e, needles);
    for (const name of ['accounts', 'api_usage', 'shops', 'synced_records', 'vendor_idempotency', 'vendor_tokens'])
      expect(Object.keys(before)).toContain(name);
    expect(before.vendor_idempotency).toContain(subscriber);
    expect(before.accounts).toEqual([gone.token, ownerEmail]);

    expect((await e2e.sandbox.lifecycle.uninstall(gone.token, { addonUrl: e2e.addonUrl })).status).toBe(200);
    const result = await e2e.app.temporal.workflow.getHandle(uninstallWorkflowId(gone.token)).result();
    expect(result.purged).toBe(true);

    expect(await foundIn(e2e, needles)).toEqual({});
    // The other shop keeps all of its own data and its share of the two-shop token.
    expect(await e2e.app.db.models.Shop.countDocuments({ token: shop.token, status: 'active' })).toBe(1);
    expect(await e2e.app.db.models.Account.countDocuments({ shopTokens: shop.token })).toBe(1);
    const tokens = await listVendorTokens(VendorToken);
    expect(tokens.find((t) => t.id === shared.id)).toMatchObject({ shops: [shop.token], revokedAt: null });
    // A token that could only reach the purged shop is revoked (an empty scope must never mean "all shops").
    expect(tokens.find((t) => t.id === alone.id)).toMatchObject({ shops: [] });
    expect(tokens.find((t) => t.id === alone.id)!.revokedAt).toBeInstanceOf(Date);
  });
});
