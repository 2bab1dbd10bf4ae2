// One CLIENT span per HTTP attempt towards Upgates (each attempt counts against the shop's daily budget, so
// each is a span). Method, path and access only: the query may hold personal data, the headers the API key.
import { SpanStatusCode } from '@opentelemetry/api';
import { inSpan, SpanKind } from './spans.js';

export function upgatesAttemptSpan<T extends { status: number }>(
  request: { method: string; path: string; access: string },
  shopToken: string,
  attempt: () => Promise<T>,
): Promise<T> {
  return inSpan(
    `Upgates ${request.method} ${request.path}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': request.method,
        'url.path': request.path,
        'upgates.access': request.access,
        'upgates.shop': shopToken,
      },
    },
    async (span) => {
      const exchange = await attempt();
      span.setAttribute('http.response.status_code', exchange.status);
      if (exchange.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${exchange.status}` });
      return exchange;
    },
  );
}
