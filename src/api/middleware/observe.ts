import type { MiddlewareHandler } from "hono";
import { SpanStatusCode } from "@opentelemetry/api";
import type { Telemetry } from "../../observability/telemetry.ts";
import type { ApiEnv } from "../deps.ts";
import { realScheduler } from "../../core/clock.ts";

/**
 * A span and two metrics per request: its count and its duration, labelled
 * by method, the route pattern that matched (never the raw path, so ids do
 * not multiply the series) and the status. With no telemetry registered
 * these are no-op calls.
 */
export function observe(t: Telemetry): MiddlewareHandler<ApiEnv> {
  const { tracer, instruments } = t;
  return async (c, next) => {
    const start = realScheduler.now();
    const method = c.req.method;
    const span = tracer.startSpan(`HTTP ${method}`, { attributes: { "http.request.method": method } });
    try {
      await next();
    } finally {
      const route = c.req.routePath || "*";
      const status = c.res.status;
      span.updateName(`${method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const labels = { method, route, status: String(status) };
      instruments.requests.add(1, labels);
      instruments.requestSeconds.record((realScheduler.now() - start) / 1000, { method, route });
    }
  };
}
