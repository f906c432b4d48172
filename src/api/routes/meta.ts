import { strategies } from "../../strategies/index.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError } from "../errors.ts";
import { openApiDocument } from "../openapi.ts";

/** Liveness, build information, the strategy catalogue, metrics and the API's own description. */
export function metaRoutes(app: ApiApp, state: AppState): void {
  const { deps } = state;
  app.get("/health", (c) => c.json({ status: "ok" }));

  app.get("/version", (c) => c.json({ name: deps.app.name, version: deps.app.version, kernels: deps.kernels.info }));

  const catalogue = strategies.map((s) => ({
    name: s.name,
    description: s.description,
    params: s.params.map((p) => ({
      name: p.name, type: p.type, default: p.default, description: p.description,
      ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}),
    })),
    ...(s.inputs ? { needs: s.inputs.why } : {}),
  }));
  app.get("/strategies", (c) => c.json({ strategies: catalogue }));

  app.get("/samples", (c) =>
    c.json({ samples: deps.samples.map((s) => ({ name: s.name, symbol: s.symbol, description: s.description })) }));

  // Prometheus text exposition of the OpenTelemetry metrics the host collects (NT_METRICS=true).
  app.get("/metrics", async (c) => {
    if (!deps.metrics) throw new ApiError(404, "metrics_off", "metrics are off on this server; start it with NT_METRICS=true (or [telemetry] metrics = true)");
    return c.body(await deps.metrics(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });

  // Built on first request: it lists only the routes this app has (e.g. /risk needs the risk kernels).
  let doc: string | undefined;
  app.get("/openapi.json", (c) => {
    doc ??= JSON.stringify(openApiDocument(state));
    return c.body(doc, 200, { "content-type": "application/json; charset=UTF-8" });
  });
}
