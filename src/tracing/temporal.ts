// Temporal's OpenTelemetry interceptors, wired only when tracing is on (off: no header is added to any
// start, signal or activity, so histories stay exactly as before).
// - client: every start / signal-with-start / update the API (and activities) send carries the caller's span
//   context in the `_tracer-data` header;
// - workflow (in the bundle, see workflowTracingModule): RunWorkflow / HandleSignal / StartActivity spans,
//   handed out of the sandbox through the `exporter` sink;
// - activity: RunActivity spans whose parent comes from the header, so Upgates calls and MongoDB writes made
//   inside an activity are its children.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as InterceptorsModule from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { Tracing } from './tracing.js';

// From src/ (tsx) the source; from dist/ (npm start) the compiled file next to this one.
const sourceModule = fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url));
/** The workflow interceptor module webpack bundles into the traced workflow bundle. */
export const workflowTracingModule = existsSync(sourceModule) ? sourceModule : sourceModule.replace(/\.ts$/, '.js');

// Loaded only when tracing is on (a CommonJS package; with the OpenTelemetry SDK it loads, tens of MB unused otherwise).
const interceptors = () => createRequire(import.meta.url)('@temporalio/interceptors-opentelemetry') as typeof InterceptorsModule;

export function tracingClientInterceptors(tracing: Tracing | undefined): { workflow: WorkflowClientInterceptor[] } | undefined {
  return tracing ? { workflow: [new (interceptors().OpenTelemetryWorkflowClientInterceptor)()] } : undefined;
}

/** Worker options that add tracing: activity interceptors and the sink workflow spans leave the sandbox by. */
export function tracingWorkerOptions(tracing: Tracing | undefined): {
  interceptors?: WorkerInterceptors;
  sinks?: InjectedSinks<OpenTelemetrySinks>;
} {
  if (!tracing) return {};
  const { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } = interceptors();
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
