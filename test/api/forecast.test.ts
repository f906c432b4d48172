// POST /forecast where the host ships no weights or broken ones (the shared
// cases in cases.ts run it on every runtime with the shipped weights).
import { describe, expect, it } from "vitest";
import { createApp, loadKernels, type ModelSources } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { sp500, sp500Csv } from "./fixtures.ts";

async function app(models?: ModelSources, log: (m: string, e: unknown) => void = () => {}) {
  return createApp({
    config: loadAppConfig({ env: {} }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    models, log,
    app: { name: "nt", version: "0.0.0-test" },
  });
}

const ask = (engine: Awaited<ReturnType<typeof app>>, model: string) => engine.fetch(new Request("http://x/forecast", {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ closes: Array.from(sp500.close.subarray(0, 100)), model }),
}));

describe("POST /forecast and the host's weights", () => {
  it("answers 501 naming the kinds it has when the host ships none for the model", async () => {
    const res = await ask(await app(), "nhits");
    expect(res.status).toBe(501);
    expect(await res.json()).toEqual({ error: { code: "model_unavailable", message: "this deployment ships no nhits weights; it has none", field: "model" } });
    const some = await ask(await app({ lstm: () => new Uint8Array(8) }), "nhits");
    expect((await some.json()).error.message).toBe("this deployment ships no nhits weights; it has lstm");
  });

  it("answers 500 for a broken shipped file (the deployment's fault, logged), and reads it again on the next request", async () => {
    const logged: unknown[] = [];
    let reads = 0;
    const engine = await app({ nhits: () => (reads++, new Uint8Array(3)) }, (_m, e) => logged.push(e));
    for (let i = 0; i < 2; i++) {
      const res = await ask(engine, "nhits");
      expect(res.status).toBe(500);
      expect((await res.json()).error.code).toBe("internal");
    }
    expect(reads).toBe(2);
    expect(String(logged[0])).toMatch(/the shipped nhits weights do not load: models\/nhits\.safetensors: the file is 3 bytes/);
  });
});
