// A stand-in for the vendor's system on the receiving end of VENDOR_EVENTS_URL (issue 17.4): verifies each
// delivery's signature with the same verifyVendorEventSignature the README gives vendors, records what it
// accepted, and misbehaves on demand, switchable while it runs (from tests, or POST /_faults in the demo):
//   down        the port is closed: connection refused, as a crashed or redeployed endpoint
//   unavailable 503 to every delivery (nothing recorded)
//   error       500 to every delivery (nothing recorded)
//   slow        waits delayMs, then records and answers 200 (late only if delayMs exceeds the sender's timeout)
//   late-ack    records at once, answers 200 after delayMs: with delayMs above the sender's timeout the sender
//               gives up and sends the same batch again, so the receiver sees duplicates (dedupe by id)
// A fault may carry `forMs`, after which the receiver is healthy again.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyVendorEventSignature } from '../src/vendor-events/signature.js';
import type { VendorEventsBody } from '../src/vendor-events/post-events.js';

export type ReceiverFault =
  | { kind: 'none' }
  | { kind: 'down'; forMs?: number }
  | { kind: 'unavailable'; forMs?: number }
  | { kind: 'error'; forMs?: number }
  | { kind: 'slow'; delayMs: number; forMs?: number }
  | { kind: 'late-ack'; delayMs: number; forMs?: number };

export interface ReceivedBatch {
  /** Arrival order over the receiver's life (redeliveries included). */
  n: number;
  at: number;
  body: VendorEventsBody;
  /** Answered after the fault's delay (the sender had likely given up: expect this batch again). */
  lateAck: boolean;
}

export interface VendorReceiver {
  url: string;
  /** Batches recorded (signature valid), in arrival order, duplicates included. */
  batches: ReceivedBatch[];
  stats: { requests: number; badSignature: number; refusedWithError: number; lateAcks: number; downMs: number };
  fault(): ReceiverFault;
  setFault(fault: ReceiverFault): Promise<void>;
  stop(): Promise<void>;
}

export async function startVendorReceiver(options: {
  secret: string;
  port?: number;
  /** Called for every recorded batch (the demo prints one line per batch). */
  onBatch?: (batch: ReceivedBatch) => void;
}): Promise<VendorReceiver> {
  let current: ReceiverFault = { kind: 'none' };
  let revert: NodeJS.Timeout | undefined;
  let downSince: number | undefined;
  let server: Server;
  const stats = { requests: 0, badSignature: 0, refusedWithError: 0, lateAcks: 0, downMs: 0 };
  const batches: ReceivedBatch[] = [];

  const record = (body: VendorEventsBody, lateAck: boolean) => {
    const batch = { n: batches.length + 1, at: Date.now(), body, lateAck };
    batches.push(batch);
    options.onBatch?.(batch);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const json = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'POST' && req.url === '/_faults') {
      await setFault(JSON.parse(text || '{"kind":"none"}') as ReceiverFault);
      return json(200, current);
    }
    if (req.method !== 'POST') return json(404, { error: 'POST events to any path' });
    stats.requests++;
    const timestamp = String(req.headers[TIMESTAMP_HEADER.toLowerCase()] ?? '');
    const signature = String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? '');
    if (!verifyVendorEventSignature(text, timestamp, signature, options.secret)) {
      stats.badSignature++;
      return json(401, { error: 'bad signature' });
    }
    const fault = current;
    if (fault.kind === 'unavailable' || fault.kind === 'error') {
      stats.refusedWithError++;
      return json(fault.kind === 'unavailable' ? 503 : 500, { error: fault.kind });
    }
    const body = JSON.parse(text) as VendorEventsBody;
    if (fault.kind === 'slow') {
      await sleep(fault.delayMs);
      record(body, false);
      return json(200, { ok: true });
    }
    if (fault.kind === 'late-ack') {
      record(body, true);
      stats.lateAcks++;
      await sleep(fault.delayMs);
      return json(200, { ok: true });
    }
    record(body, false);
    return json(200, { ok: true });
  };

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((req, res) => void handle(req, res).catch(() => res.destroyed || res.writeHead(500).end()));
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });

  server = await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  async function setFault(fault: ReceiverFault): Promise<void> {
    clearTimeout(revert);
    const wasDown = current.kind === 'down';
    current = fault;
    if (fault.kind === 'down' && !wasDown) {
      downSince = Date.now();
      await close(server);
    } else if (fault.kind !== 'down' && wasDown) {
      stats.downMs += Date.now() - (downSince ?? Date.now());
      server = await listen(port);
    }
    if (fault.kind !== 'none' && fault.forMs) revert = setTimeout(() => void setFault({ kind: 'none' }), fault.forMs);
  }

  return {
    url: `http://127.0.0.1:${port}/events`,
    batches,
    stats,
    fault: () => current,
    setFault,
    async stop() {
      clearTimeout(revert);
      if (current.kind !== 'down') await close(server);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
