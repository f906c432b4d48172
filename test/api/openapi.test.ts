// The OpenAPI document and the app's registered routes agree, both ways.
import { describe, expect, it } from "vitest";
import { createApp, loadKernels } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { sp500Csv } from "./fixtures.ts";

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];

async function app() {
  return createApp({
    config: loadAppConfig({ env: { NT_API_TOKEN: "openapi-test-token-0123" } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators"), risk: wasmBytes("risk"), solver: wasmBytes("solver") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "neural-trader-engine", version: "0.0.0-test" },
  });
}

describe("OpenAPI document", () => {
  it("lists exactly the routes the app registers", async () => {
    const engine = await app();
    // Middleware registrations show up as method ALL or path "*" (the POST body limit); handlers with
    // route middleware appear once per handler.
    const registered = new Set(engine.app.routes.filter((r) => r.method !== "ALL" && r.path !== "*" && r.path !== "/*")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`));
    const doc = await (await engine.fetch(new Request("http://x/openapi.json"))).json();
    const documented = new Set(Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path}`)));
    expect([...registered].filter((r) => !documented.has(r)), "registered but not documented").toEqual([]);
    expect([...documented].filter((r) => !registered.has(r)), "documented but not registered").toEqual([]);
    expect(registered.size).toBeGreaterThanOrEqual(18);
    engine.close();
  });

  it("is OpenAPI 3.1 with every $ref resolving and every operation answering some status", async () => {
    const engine = await app();
    const doc = await (await engine.fetch(new Request("http://x/openapi.json"))).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.version).toBe("0.0.0-test");
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref.slice(22, -1));
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: object; security?: unknown }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        // Exactly the routes that keep state, and the MCP tools that reach them, need a key (the compute routes are public by default).
        const keyed = path.startsWith("/sessions") || path.startsWith("/backtests") || path.startsWith("/sweeps") || (path === "/mcp" && method === "post")
          || path === "/memory/search";
        expect(op.security !== undefined, `${method} ${path} security`).toBe(keyed);
      }
    }
    // The key scheme, and the answers auth and the job memory budget add.
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/backtests"].post.security).toEqual([{ apiKey: ["backtest"] }]);
    expect(doc.paths["/sweeps"].post.security).toEqual([{ apiKey: ["backtest"] }]);
    expect(Object.keys(doc.paths["/backtests"].post.responses)).toEqual(expect.arrayContaining(["401", "403", "413", "503"]));
    expect(doc.paths["/sessions/{id}"].delete.security).toEqual([{ apiKey: ["trade"] }]);
    expect(Object.keys(doc.paths["/backtests/{id}"].get.responses)).toEqual(expect.arrayContaining(["401", "403", "404"]));
    engine.close();
  });
});
