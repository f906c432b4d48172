import { describe, expect, it } from "vitest";
import { createApp, loadKernels } from "../../src/api/index.ts";
import { columnsJson, numbersJson } from "../../src/api/json.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { indicatorNames } from "../../src/features/spec.ts";
import { wasmBytes } from "../helpers.ts";
import { barColumns, barRows, sp500, sp500Csv } from "./fixtures.ts";

describe("numbersJson", () => {
  it("prints every double exactly as JSON.stringify does, and non-finite values as null", () => {
    const values = [0, -0, 1, -1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE,
      NaN, Infinity, -Infinity, 2 ** 53 + 2, 1455.219971, 1 / 3];
    // And a random sample of bit patterns over the whole double range.
    const bits = new BigUint64Array(2000);
    let seed = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < bits.length; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      bits[i] = seed;
    }
    const all = Float64Array.from([...values, ...new Float64Array(bits.buffer)]);
    expect(numbersJson(all)).toBe(JSON.stringify(Array.from(all)));
    // It reads back to the same doubles (JSON, like JSON.stringify, has no -0).
    expect(JSON.parse(numbersJson(all)).map((v: number | null) => (v === null ? NaN : v))).toEqual(
      Array.from(all, (v) => (Number.isFinite(v) ? (v === 0 ? 0 : v) : NaN)));
    expect(numbersJson(new Float64Array(0))).toBe("[]");
  });

  it("writes named columns as one JSON object", () => {
    const cols: [string, Float64Array][] = [["sma:20", Float64Array.of(NaN, 2.5)], ['we"ird', Float64Array.of(1)]];
    expect(columnsJson(cols)).toBe(JSON.stringify({ "sma:20": [null, 2.5], 'we"ird': [1] }));
    expect(columnsJson([])).toBe("{}");
  });
});

describe("POST /indicators written by json.wasm", () => {
  /** The app in-process, with or without the json kernel (without it, the TypeScript text). */
  async function app(json: boolean) {
    return createApp({
      config: loadAppConfig({ env: { NT_RATE_LIMIT: "off" } }),
      kernels: await loadKernels({ indicators: wasmBytes("indicators"), ...(json ? { json: wasmBytes("json") } : {}) }),
      samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
      app: { name: "nt", version: "0.0.0-test" },
    });
  }

  it("answers the same bytes and headers as the TypeScript text, which is JSON.stringify's", async () => {
    const [withKernel, without] = await Promise.all([app(true), app(false)]);
    const closes = Array.from(sp500.close.subarray(0, 1000));
    const bodies = [
      { series: closes, indicators: ["sma:20", "ema:50", "rsi:14"] },
      { bars: barColumns(sp500), indicators: indicatorNames },
      { bars: barRows(sp500, 40), indicators: "macd,bbands:20:2,stoch" },
      { series: [1e-7, 1e21, -0, 5e-324, 123456789012345680000, 0.1, 0.2, 0.30000000000000004], indicators: ["sma:1", "roc:1"] },
    ];
    for (const body of bodies) {
      const ask = (engine: Awaited<ReturnType<typeof app>>) =>
        engine.fetch(new Request("http://x/indicators", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
      const [a, b] = await Promise.all([ask(withKernel), ask(without)]);
      expect(a.status).toBe(200);
      expect([...a.headers]).toEqual([...b.headers]);
      const [textA, textB] = [await a.text(), await b.text()];
      expect(textA).toBe(textB);
      // The twin's text is what JSON.stringify writes for the same values (NaN as null).
      expect(JSON.stringify(JSON.parse(textA))).toBe(textA);
    }
    withKernel.close();
    without.close();
  });
});
