// An undici dispatcher that notes the status and the X-Rate-Limit-* headers of every answer, so the doctor can
// report them while its calls still go through the ordinary Upgates client (which returns bodies only).
import { Agent, type Dispatcher } from 'undici';

export interface RecordedExchange {
  method: string;
  /** Path and query as sent, e.g. `/api/v2/orders?page=1`. */
  path: string;
  status: number;
  /** Only the rate-limit headers, lower-case names. */
  rateLimit: Record<string, string>;
}

export interface ExchangeRecorder {
  dispatcher: Dispatcher;
  exchanges: RecordedExchange[];
  close(): Promise<void>;
}

export function createExchangeRecorder(): ExchangeRecorder {
  // Its own small pool: the doctor never has more than 3 requests in flight.
  const agent = new Agent({ connections: 3 });
  const exchanges: RecordedExchange[] = [];
  const dispatcher = agent.compose((dispatch) => (opts, handler): boolean => {
    // The doctor only reads; a write reaching this point is a bug, refused before it leaves.
    if (opts.method !== 'GET') throw new Error(`the doctor never writes (refused ${opts.method} ${opts.path.split('?')[0]})`);
    return dispatch(opts, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, status, headers, socket) => handler.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) => {
        exchanges.push({ method: opts.method, path: opts.path, status, rateLimit: rateLimitHeaders(headers) });
        return handler.onResponseStart?.(controller, status, headers, message);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    });
  });
  return { dispatcher, exchanges, close: () => agent.close() };
}

function rateLimitHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name.toLowerCase().startsWith('x-rate-limit-')) out[name.toLowerCase()] = String(value);
  }
  return out;
}
