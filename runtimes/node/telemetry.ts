// Observability for `nt serve`: structured logs on stderr, and, when asked,
// the OpenTelemetry SDK's tracer (spans written as log lines) and meter
// (read on demand and rendered as Prometheus text for GET /metrics). src/
// only calls the OpenTelemetry API; the SDK lives here, in the runtime.
import type { HrTime } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import {
  AggregationTemporality, DataPointType, MeterProvider, MetricReader, type Histogram, type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { AppConfig } from "../../src/config/app-config.ts";
import { createLogger, type Logger } from "../../src/observability/log.ts";
import { INSTRUMENTATION, instruments, noTelemetry, type Telemetry } from "../../src/observability/telemetry.ts";

export interface NodeTelemetry {
  readonly telemetry: Telemetry;
  /** Prometheus text of every metric, when metrics are on. */
  readonly metrics?: () => Promise<string>;
  shutdown(): Promise<void>;
}

export function nodeTelemetry(config: Pick<AppConfig, "metrics" | "traces" | "logLevel" | "logFormat">, write: (line: string) => void = (l) => void process.stderr.write(l)): NodeTelemetry {
  const log = createLogger({ level: config.logLevel, format: config.logFormat, write });
  const tracerProvider = config.traces === "log" ? new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new LogSpanExporter(log))] }) : undefined;
  const reader = config.metrics ? new PullReader() : undefined;
  const meterProvider = reader ? new MeterProvider({ readers: [reader] }) : undefined;
  return {
    telemetry: {
      tracer: tracerProvider?.getTracer(INSTRUMENTATION) ?? noTelemetry.tracer,
      instruments: meterProvider ? instruments(meterProvider.getMeter(INSTRUMENTATION)) : noTelemetry.instruments,
      log,
    },
    metrics: reader && (async () => prometheusText((await reader.collect()).resourceMetrics)),
    async shutdown() {
      await tracerProvider?.shutdown();
      await meterProvider?.shutdown();
    },
  };
}

/** A reader that only reads when asked (a Prometheus scrape). */
class PullReader extends MetricReader {
  constructor() {
    // Cumulative: Prometheus counters and histograms count from the start.
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Each ended span as one log line: name, ids, duration, status and attributes. */
class LogSpanExporter implements SpanExporter {
  constructor(private readonly log: Logger) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const s of spans) {
      const ctx = s.spanContext();
      this.log.info("span", {
        span: s.name, traceId: ctx.traceId, spanId: ctx.spanId, parentSpanId: s.parentSpanContext?.spanId,
        durationMs: Number((ms(s.duration)).toFixed(3)), status: s.status.code === 2 ? "error" : "ok", attributes: s.attributes,
      });
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}

const ms = (t: HrTime) => t[0] * 1e3 + t[1] / 1e6;

/**
 * The Prometheus text exposition format (0.0.4) of OpenTelemetry metrics:
 * monotonic sums as counters named *_total, histograms as cumulative
 * *_bucket{le} lines with *_sum and *_count, a unit of seconds as a
 * _seconds suffix, attributes as labels.
 */
export function prometheusText(resource: ResourceMetrics): string {
  const out: string[] = [];
  for (const scope of resource.scopeMetrics) {
    for (const m of scope.metrics) {
      const base = m.descriptor.name.replace(/[^a-zA-Z0-9_:]/g, "_") + (m.descriptor.unit === "s" ? "_seconds" : "");
      const help = `# HELP ${m.dataPointType === DataPointType.SUM && m.isMonotonic ? `${base}_total` : base} ${escapeHelp(m.descriptor.description)}`;
      if (m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE) {
        const counter = m.dataPointType === DataPointType.SUM && m.isMonotonic;
        const name = counter ? `${base}_total` : base;
        out.push(help, `# TYPE ${name} ${counter ? "counter" : "gauge"}`);
        for (const p of m.dataPoints) out.push(`${name}${labels(p.attributes)} ${num(p.value as number)}`);
      } else if (m.dataPointType === DataPointType.HISTOGRAM) {
        out.push(help, `# TYPE ${base} histogram`);
        for (const p of m.dataPoints) {
          const h = p.value as Histogram;
          let cumulative = 0;
          h.buckets.boundaries.forEach((le, i) => {
            cumulative += h.buckets.counts[i];
            out.push(`${base}_bucket${labels(p.attributes, { le: num(le) })} ${cumulative}`);
          });
          out.push(`${base}_bucket${labels(p.attributes, { le: "+Inf" })} ${h.count}`);
          out.push(`${base}_sum${labels(p.attributes)} ${num(h.sum ?? 0)}`, `${base}_count${labels(p.attributes)} ${h.count}`);
        }
      }
    }
  }
  return out.join("\n") + "\n";
}

function labels(attributes: Record<string, unknown>, extra: Record<string, string> = {}): string {
  const all = [...Object.entries(attributes), ...Object.entries(extra)];
  if (all.length === 0) return "";
  return `{${all.map(([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, "_")}="${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}

function num(x: number): string {
  return Number.isFinite(x) ? String(x) : x > 0 ? "+Inf" : x < 0 ? "-Inf" : "NaN";
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
