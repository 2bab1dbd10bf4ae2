// A SERVER span per HTTP request, named by the Express route pattern once routing is done (never the raw path:
// it holds webhook keys and shop tokens). Started from an incoming `traceparent` when a caller sends one.
// Express's body parser reads the request in stream callbacks, which run outside the context of this
// middleware; binding the request and response emitters keeps the span active through every later handler.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

export function httpSpans(): RequestHandler {
  const tracer = trace.getTracer('upgates-addon-http');
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(`${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    if (!span.isRecording()) {
      next();
      return;
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        span.updateName(`${req.method} ${req.baseUrl}${route}`);
        span.setAttribute('http.route', `${req.baseUrl}${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.on('finish', end);
    res.on('close', end); // the client went away before the answer
    const active = trace.setSpan(parent, span);
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}
