// Traces and metrics through the OpenTelemetry API, which imports no
// runtime. What records them is the host's choice: runtimes/node registers
// the SDK's providers when asked (NT_TRACES, NT_METRICS); without that, as in
// the library and the tab, every call here is a no-op.
import {
  createNoopMeter, metrics, ProxyTracerProvider, SpanStatusCode, trace, type Attributes, type Counter, type Histogram, type Meter, type Tracer,
} from "@opentelemetry/api";
import { silentLogger, type Logger } from "./log.ts";

export const INSTRUMENTATION = "neural-trader-engine";

/** The instruments the engine records, created once from a meter. */
export interface Instruments {
  /** HTTP requests served, by method, route and status. */
  readonly requests: Counter;
  /** Their duration in seconds. */
  readonly requestSeconds: Histogram;
  /** Backtests run, by engine (vectorized, event-driven) and where (job, sweep). */
  readonly backtests: Counter;
  /** Bars those backtests stepped through. */
  readonly bars: Counter;
  /** Sweeps finished, by outcome. */
  readonly sweeps: Counter;
  readonly sweepSeconds: Histogram;
  /** Bars a trading session (paper or live) acted on. */
  readonly sessionBars: Counter;
  /** Orders and cancels it sent, by venue and kind. */
  readonly commands: Counter;
  /** From a bar's start of processing to its orders sent and, for a remote broker, acknowledged. */
  readonly barToOrderSeconds: Histogram;
}

/** What the engine traces, counts and logs with: injected by the host (createApp's deps, runSweep's options). */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly instruments: Instruments;
  readonly log: Logger;
}

export function instruments(meter: Meter): Instruments {
  return {
    requests: meter.createCounter("nt_http_requests", { description: "HTTP requests served" }),
    requestSeconds: meter.createHistogram("nt_http_request_duration", {
      description: "HTTP request duration", unit: "s",
      advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    }),
    backtests: meter.createCounter("nt_backtests", { description: "backtests run" }),
    bars: meter.createCounter("nt_backtest_bars", { description: "bars the backtests stepped through" }),
    sweeps: meter.createCounter("nt_sweeps", { description: "sweeps finished" }),
    sweepSeconds: meter.createHistogram("nt_sweep_duration", { description: "sweep duration", unit: "s" }),
    sessionBars: meter.createCounter("nt_session_bars", { description: "bars trading sessions acted on" }),
    commands: meter.createCounter("nt_order_commands", { description: "orders and cancels sent to venues" }),
    barToOrderSeconds: meter.createHistogram("nt_bar_to_order_duration", {
      description: "bar processed to its orders sent (and acknowledged by a remote broker)", unit: "s",
      advice: { explicitBucketBoundaries: [1e-5, 5e-5, 1e-4, 5e-4, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] },
    }),
  };
}

/** The telemetry of whatever providers are registered globally now (no-ops when none). */
export function globalTelemetry(log: Logger = silentLogger): Telemetry {
  return { tracer: trace.getTracer(INSTRUMENTATION), instruments: instruments(metrics.getMeter(INSTRUMENTATION)), log };
}

/** Records nothing anywhere, whatever is registered globally (a fresh proxy provider delegates to no-ops). */
export const noTelemetry: Telemetry = {
  tracer: new ProxyTracerProvider().getTracer(INSTRUMENTATION), instruments: instruments(createNoopMeter()), log: silentLogger,
};

/** Runs `fn` in a span named `name`; an exception sets the span's error status and goes on. */
export async function inSpan<T>(tracer: Tracer, name: string, attributes: Attributes, fn: (set: (a: Attributes) => void) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn((a) => span.setAttributes(a));
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
      throw e;
    } finally {
      span.end();
    }
  });
}
