// Workflow interceptor module of the traced workflow bundle (runs inside the workflow sandbox: deterministic,
// no I/O). Temporal's OpenTelemetry interceptors give RunWorkflow, HandleSignal and StartActivity spans, but an
// activity's parent is whatever context the workflow code runs in: the shop workflow's main loop runs in the
// RunWorkflow span, whose trace is the one that started the workflow (the install hand-over, months ago).
// So a flush would never appear in the trace of the webhook deliveries whose ids it fetches.
// FlushTrace fixes that without touching workflow code: the shop workflow swaps its pending ids out at the
// start of a flush, in the same activation that schedules the flush's first activity, so the deliveries
// signalled since the previous flush are exactly the ones this flush serves. It opens one `ShopSyncFlush` span
// as a child of the first such delivery (same trace id as its HTTP request), links the other deliveries and the
// workflow run, schedules the flush's activities inside it and ends it after the flush's `noteShopSync`.
import * as otel from '@opentelemetry/api';
import { extractContextFromHeaders } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type {
  ActivityInput,
  Next,
  SignalInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { webhookSignal } from '../../workflows/messages.js';

/** Activities of a shop workflow flush (workflows/shop-sync-steps.ts flush()); `noteShopSync` is its last step. */
const FLUSH_ACTIVITIES = new Set(['fetchAndUpsert', 'applyTombstones']);
const FLUSH_END_ACTIVITY = 'noteShopSync';
/** Deliveries linked to one flush at most (a flood coalesces thousands; the first few tell the story). */
const MAX_DELIVERIES = 32;

class FlushTrace {
  private waiting: otel.SpanContext[] = [];
  private open: otel.Span | undefined;
  private tracer: otel.Tracer | undefined;

  noteDelivery(context: otel.SpanContext): void {
    if (this.waiting.length < MAX_DELIVERIES) this.waiting.push(context);
  }

  /** The context to schedule an activity in, or undefined to leave it in the workflow's own. */
  contextFor(activityType: string): otel.Context | undefined {
    const inFlush = FLUSH_ACTIVITIES.has(activityType);
    if (inFlush && !this.open && this.waiting.length > 0) this.open = this.startFlush();
    if (!this.open || !(inFlush || activityType === FLUSH_END_ACTIVITY)) return undefined;
    return otel.trace.setSpan(otel.context.active(), this.open);
  }

  activityDone(activityType: string): void {
    if (activityType !== FLUSH_END_ACTIVITY || !this.open) return;
    this.open.end();
    this.open = undefined;
  }

  private startFlush(): otel.Span {
    const [first, ...others] = this.waiting;
    this.waiting = [];
    const run = otel.trace.getSpanContext(otel.context.active());
    const links: otel.Link[] = others.map((context) => ({ context, attributes: { 'upgates.link': 'webhook delivery' } }));
    if (run && otel.isSpanContextValid(run)) links.push({ context: run, attributes: { 'upgates.link': 'workflow run' } });
    // The tracer provider is the one Temporal's interceptor registered in the sandbox: its spans leave by the sink.
    this.tracer ??= otel.trace.getTracer('upgates-addon-workflow');
    return this.tracer.startSpan(
      'ShopSyncFlush',
      { links, attributes: { 'upgates.webhook_deliveries': others.length + 1 } },
      otel.trace.setSpanContext(otel.ROOT_CONTEXT, first!),
    );
  }
}

class WebhookDeliveryInterceptor implements WorkflowInboundCallsInterceptor {
  constructor(private readonly flushes: FlushTrace) {}

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (input.signalName === webhookSignal.name) {
      // Inside Temporal's HandleSignal span when it made one; else the sender's context from the header.
      const active = otel.trace.getSpanContext(otel.context.active());
      const sent = extractContextFromHeaders(input.headers);
      const context = active && otel.isSpanContextValid(active) ? active : sent && otel.trace.getSpanContext(sent);
      if (context && otel.isSpanContextValid(context)) this.flushes.noteDelivery(context);
    }
    return next(input);
  }
}

class FlushActivityInterceptor implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly flushes: FlushTrace) {}

  async scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const context = this.flushes.contextFor(input.activityType);
    if (!context) return next(input);
    try {
      return await otel.context.with(context, () => next(input));
    } finally {
      this.flushes.activityDone(input.activityType);
    }
  }
}

export const interceptors = (): WorkflowInterceptors => {
  // Temporal's interceptors first: their constructor registers the sandbox's tracer provider and context manager.
  const inbound = new OpenTelemetryInboundInterceptor();
  const outbound = new OpenTelemetryOutboundInterceptor();
  const flushes = new FlushTrace();
  return {
    // The first interceptor in a list is the outermost: ours sees a signal inside Temporal's HandleSignal span,
    // and sets the flush context before Temporal's StartActivity span is made (and injected into the header).
    inbound: [inbound, new WebhookDeliveryInterceptor(flushes)],
    outbound: [new FlushActivityInterceptor(flushes), outbound],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
