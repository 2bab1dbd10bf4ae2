// Issue 13.3: a well-formed JSON delivery of a shape we do not know is acknowledged (Upgates deactivates a
// webhook after 12 h of 400s); ids that can be found are kept, PHP DateTime objects are accepted as times.
import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../../src/http/webhooks/payload-schemas.js';

describe('webhook payload shapes', () => {
  it('accepts a PHP DateTime object where a time string is expected', () => {
    const php = { date: '2024-01-01 10:00:00.000000', timezone_type: 3, timezone: 'Europe/Prague' };
    const parsed = parseWebhookBody({ orders: [{ order_number: '1001', last_update_time: php }] }, 'Orders.update');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.records).toBe(1);
  });

  it('an unknown family is acknowledged as an unknown shape, not refused', () => {
    const parsed = parseWebhookBody({ project_name: 'x', invoices: [{ invoice_id: 5 }] }, 'Invoices.create');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.unknownShape).toEqual({ event: 'Invoices.create' });
  });

  it('items missing their id field are an unknown shape, the others are kept', () => {
    const parsed = parseWebhookBody({ orders: [{ order_number: '7' }, { number: 8, extra: { a: 1 } }] }, 'Orders.update');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.records).toBe(1);
      expect(parsed.unknownShape).toEqual({ event: 'Orders.update' });
    }
  });

  it('a body that is not an object is still refused', () => {
    expect(parseWebhookBody('not json', 'Orders.update').ok).toBe(false);
  });
});
