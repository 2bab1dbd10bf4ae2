// The sync table (src/upgates/resources.ts, SYNC_INFO) is the one source the webhook parser, the record mapping
// and the sync activities derive from (issue 15.2). These pin what each of them now reads from it.
import { describe, expect, it } from 'vitest';
import { FAMILY_LISTS, parseWebhookBody } from '../../src/http/webhooks/payload-schemas.js';
import { RECORD_MAPPING, toRecordVersion } from '../../activities/record-mapping.js';
import { isMirrored, MIRRORED_RESOURCES, RESOURCE_INFO, SYNC_INFO, SYNC_RESOURCES } from '../../src/upgates/resources.js';

describe('sync table', () => {
  it('order statuses: the API names them by `id`, webhooks by `order_status_id` (the copies used to disagree)', () => {
    expect(toRecordVersion('orderStatuses', { id: 7, name: 'Sent' }).recordId).toBe('7');
    expect(() => toRecordVersion('orderStatuses', { order_status_id: 7 })).toThrow(/without id/);
    const parsed = parseWebhookBody(
      { statuses: [{ order_status_id: '7', last_update_time: '2026-01-01T00:00:00Z' }] },
      'OrderStatuses.update',
    );
    expect(parsed).toMatchObject({ ok: true, batches: [{ resource: 'orderStatuses', action: 'update', items: [{ id: '7' }] }] });
  });

  it('every synced resource has one webhook list, and only variants are not mirrored', () => {
    expect(Object.keys(FAMILY_LISTS).sort()).toEqual(SYNC_RESOURCES.map((r) => SYNC_INFO[r].webhook.listKey).sort());
    expect(SYNC_RESOURCES.filter((r) => !isMirrored(r))).toEqual(['productVariants']);
    expect(Object.keys(RECORD_MAPPING).sort()).toEqual([...MIRRORED_RESOURCES].sort());
  });

  it('what is fetched by id or page by page has the endpoint for it', () => {
    for (const resource of MIRRORED_RESOURCES) {
      const info = RESOURCE_INFO[resource];
      if (SYNC_INFO[resource].fetchById) expect({ resource, idsQuery: info.idsQuery }).toMatchObject({ idsQuery: expect.any(String) });
      if (SYNC_INFO[resource].paginated) expect({ resource, pageSize: info.pageSize }).toMatchObject({ pageSize: expect.any(Number) });
    }
  });

  it('an event of a family outside the table is acknowledged as an unknown shape', () => {
    expect(parseWebhookBody({ orders: [{ order_number: '1' }] }, 'Vouchers.update')).toMatchObject({
      ok: true,
      unknownShape: { event: 'Vouchers.update' },
    });
  });
});
