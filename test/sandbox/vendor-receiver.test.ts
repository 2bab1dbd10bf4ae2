// The test receiver of vendor events (sandbox/vendor-receiver.ts) over HTTP: it accepts only correctly signed
// deliveries, and each fault behaves as the e2e test relies on (refused connections, 503, 500, slow, late
// acknowledgement that outlives the sender's timeout while the batch is recorded).
import { afterEach, describe, expect, it } from 'vitest';
import { startVendorReceiver, type VendorReceiver } from '../../sandbox/vendor-receiver.js';
import { postVendorEvents } from '../../src/vendor-events/post-events.js';
import { signVendorEvents } from '../../src/vendor-events/signature.js';

const SECRET = 'receiver-test-secret-0123456789';
const body = { shop: 's', events: [{ id: 's:1:orders:1', resource: 'orders', record_id: '1', change: 'created' as const, cursor: 'c' }] };

describe('vendor receiver', () => {
  let receiver: VendorReceiver;
  afterEach(async () => receiver?.stop());
  const send = (timeoutMs = 1_000) => postVendorEvents({ url: receiver.url, secret: SECRET, timeoutMs }, body);

  it('records a signed delivery and refuses a wrong secret or a stale signature with 401', async () => {
    receiver = await startVendorReceiver({ secret: SECRET });
    await send();
    expect(receiver.batches.map((b) => b.body)).toEqual([body]);
    await expect(postVendorEvents({ url: receiver.url, secret: 'another-secret-0123456789', timeoutMs: 1000 }, body)).rejects.toThrow(
      /401/,
    );
    const text = JSON.stringify(body);
    const stale = await fetch(receiver.url, { method: 'POST', headers: signVendorEvents(text, SECRET, Date.now() - 600_000), body: text });
    expect(stale.status).toBe(401);
    expect(receiver.stats.badSignature).toBe(2);
    expect(receiver.batches).toHaveLength(1);
  });

  it('down refuses connections on the same port until it is healthy again; 503 and 500 record nothing', async () => {
    receiver = await startVendorReceiver({ secret: SECRET });
    await receiver.setFault({ kind: 'down' });
    await expect(send()).rejects.toThrow(/ECONNREFUSED/);
    await receiver.setFault({ kind: 'unavailable' });
    await expect(send()).rejects.toThrow(/503/);
    await receiver.setFault({ kind: 'error', forMs: 300 });
    await expect(send()).rejects.toThrow(/500/);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.fault()).toEqual({ kind: 'none' });
    await send();
    expect(receiver.batches).toHaveLength(1);
    expect(receiver.stats.refusedWithError).toBe(2);
  });

  it('slow answers within the timeout; late-ack records the batch but answers after the sender gave up', async () => {
    receiver = await startVendorReceiver({ secret: SECRET });
    await receiver.setFault({ kind: 'slow', delayMs: 200 });
    await send(1_000);
    await receiver.setFault({ kind: 'late-ack', delayMs: 800 });
    await expect(send(300)).rejects.toThrow(/no answer within 300 ms/);
    await expect(send(300)).rejects.toThrow(/no answer within 300 ms/);
    expect(receiver.batches.map((b) => b.lateAck)).toEqual([false, true, true]);
    expect(receiver.stats.lateAcks).toBe(2);
  });
});
