// OpenTelemetry tracing for the process: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test hands in its
// own span processor). One NodeSDK per process: it registers the tracer provider, the AsyncLocalStorage context
// manager (so a span started in a route or activity is the parent of everything awaited inside it) and the W3C
// propagator the Temporal interceptors use to carry the context through workflow and activity headers.
// The standard OTEL_* variables the SDK reads itself (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER...) work as documented by OpenTelemetry.
//
// The SDK packages are loaded only when tracing starts (about 25 MB of a worker's resident memory when they
// sit unused): required through createRequire, their CommonJS builds. The API they register with keeps its
// state in one process-wide global, so the ESM `@opentelemetry/api` used by spans.ts sees the same provider.
import { createRequire } from 'node:module';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type * as ExporterModule from '@opentelemetry/exporter-trace-otlp-proto';
import type * as ResourcesModule from '@opentelemetry/resources';
import type * as TraceBaseModule from '@opentelemetry/sdk-trace-base';
import type * as SdkNodeModule from '@opentelemetry/sdk-node';
import type { Config } from '../config.js';

const load = createRequire(import.meta.url);

export interface Tracing {
  /** Receives every finished span: the process's own and the workflow spans handed over by the worker's sink. */
  spanProcessor: SpanProcessor;
  /** Resource (service name...) of workflow spans; the SDK detects the same for the process's own spans. */
  resource: Resource;
  shutdown(): Promise<void>;
}

export type TracingSource = Config['tracing'] | { spanProcessor: SpanProcessor };

let active: Tracing | undefined;

/** The process's tracing, or undefined when it is off. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/**
 * Starts tracing once per process; later calls return the running one (a test starts it with an in-memory
 * processor before the runtime asks again with its config). Returns undefined when tracing is off.
 */
export function startTracing(source: TracingSource): Tracing | undefined {
  if (active) return active;
  if (!('spanProcessor' in source) && !source.otlpEndpoint) return undefined;
  const { BatchSpanProcessor } = load('@opentelemetry/sdk-trace-base') as typeof TraceBaseModule;
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-proto') as typeof ExporterModule;
  const { envDetectorSync, Resource } = load('@opentelemetry/resources') as typeof ResourcesModule;
  const { NodeSDK } = load('@opentelemetry/sdk-node') as typeof SdkNodeModule;
  const spanProcessor =
    'spanProcessor' in source
      ? source.spanProcessor
      : // The endpoint is the collector's base URL (OTLP/HTTP protobuf, usually :4318); traces go to /v1/traces.
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${source.otlpEndpoint!.replace(/\/+$/, '')}/v1/traces` }));
  const resource = new Resource({ 'service.name': 'upgates-addon' }).merge(envDetectorSync.detect());
  const sdk = new NodeSDK({ resource, spanProcessors: [spanProcessor], instrumentations: [] });
  sdk.start();
  active = {
    spanProcessor,
    resource,
    async shutdown() {
      if (active !== this) return;
      active = undefined;
      await sdk.shutdown();
    },
  };
  return active;
}
