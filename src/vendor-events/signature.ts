// The signature of the events we POST to the vendor's system (VENDOR_EVENTS_URL): HMAC-SHA256 with the shared
// secret over `<timestamp>.<body>`, where the timestamp (Unix seconds, header X-Upgates-Addon-Timestamp) is
// the moment of that attempt, so a retry hours later is signed fresh and a receiver may refuse old ones
// (a replayed capture). The vendor's copy of verifyVendorEventSignature is in the README; a unit test keeps
// the two identical, and the test receiver (sandbox/vendor-receiver.ts) uses this one.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Upgates-Addon-Timestamp';
export const SIGNATURE_HEADER = 'X-Upgates-Addon-Signature';

/** The two signature headers of one attempt. */
export function signVendorEvents(body: string, secret: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `v1=${hex}` };
}

// README-VERIFY-BEGIN
/** True when `signature` (X-Upgates-Addon-Signature) signs `timestamp.body` with `secret` and the timestamp is fresh. */
export function verifyVendorEventSignature(
  body: string, // the raw request body, exactly as received
  timestamp: string, // X-Upgates-Addon-Timestamp
  signature: string, // X-Upgates-Addon-Signature, "v1=<hex>"
  secret: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
// README-VERIFY-END
