// Observability of the API: OpenTelemetry spans and metrics recorded by the Node host's SDK
// providers, Prometheus text at GET /metrics, and none of it unless asked.
import { afterEach, describe, expect, it } from "vitest";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { nodeTelemetry } from "../../runtimes/node/telemetry.ts";
import { wasmBytes } from "../helpers.ts";
import { sp500Csv } from "./fixtures.ts";

const SECRET = "alice-secret-0123456789abc";
let engine: EngineApp | undefined;
afterEach(() => engine?.close());

async function app(observe?: ReturnType<typeof nodeTelemetry>): Promise<EngineApp> {
  engine = createApp({
    config: loadAppConfig({ env: { NT_API_KEYS: `alice:read,backtest:${SECRET}`, NT_RATE_LIMIT: "off" } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators"), research: wasmBytes("research") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "nt", version: "0.0.0-test" },
    telemetry: observe?.telemetry, metrics: observe?.metrics,
  });
  return engine;
}

const call = (e: EngineApp, method: string, path: string, body?: unknown) => e.fetch(new Request(`http://x${path}`, {
  method, headers: { authorization: `Bearer ${SECRET}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body === undefined ? undefined : JSON.stringify(body),
}));

describe("telemetry", () => {
  it("is off by default: GET /metrics answers 404 metrics_off", async () => {
    const e = await app();
    const res = await call(e, "GET", "/metrics");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("metrics_off");
  });

  it("counts requests and sweeps in Prometheus text, and logs a span per request and per sweep", async () => {
    const lines: string[] = [];
    const observe = nodeTelemetry({ metrics: true, traces: "log", logLevel: "info", logFormat: "json" }, (l) => lines.push(l));
    const e = await app(observe);
    for (let i = 0; i < 3; i++) expect((await call(e, "GET", "/health")).status).toBe(200);
    expect((await call(e, "GET", "/backtests/nope")).status).toBe(404);
    const job = await (await call(e, "POST", "/sweeps", { sample: "sp500", strategy: "momentum", grid: [{ key: "fast", values: [10, 20] }] })).json();
    for (;;) {
      const v = await (await call(e, "GET", `/sweeps/${job.id}`)).json();
      if (v.status === "done") break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const res = await call(e, "GET", "/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('nt_http_requests_total{method="GET",route="/health",status="200"} 3');
    // Routes are labelled by their pattern, never by the raw path.
    expect(text).toContain('nt_http_requests_total{method="GET",route="/backtests/:id",status="404"} 1');
    expect(text).toMatch(/nt_http_request_duration_seconds_bucket\{method="GET",route="\/health",le="\+Inf"\} 3/);
    expect(text).toContain('nt_backtests_total{engine="vectorized",where="sweep"} 2');
    expect(text).toContain('nt_sweeps_total{outcome="done"} 1');
    expect(text).toMatch(/# TYPE nt_sweep_duration_seconds histogram/);
    // Every line is a comment or a sample: name{labels} value.
    for (const line of text.trim().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \S+ .+|[a-z_]+(\{[^}]*\})? [-+0-9.eInfNa]+)$/);

    const spans = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === "span");
    expect(spans.filter((s) => s.span === "GET /health")).toHaveLength(3);
    expect(spans.find((s) => s.span === "sweep")).toMatchObject({ level: "info", status: "ok", attributes: { "nt.strategy": "momentum", "nt.points": 2 } });
    expect(spans.find((s) => s.span === "sweep job")?.attributes["nt.job.owner"]).toBe("alice");
    const request = spans.find((s) => s.span === "POST /sweeps")!;
    expect(request.attributes).toMatchObject({ "http.request.method": "POST", "http.route": "/sweeps", "http.response.status_code": 202 });
    expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
    await observe.shutdown();
  });
});
