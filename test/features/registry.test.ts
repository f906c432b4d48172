// Every registry entry's three forms agree: the TypeScript twin, the WASM
// kernel (through the registry's dispatch) and the streaming class, on every
// output. A new entry is covered here without another line of test.
import { describe, expect, it } from "vitest";
import { INDICATORS, INPUT_COLUMNS, type StreamingIndicator, streamingOutputs } from "../../src/features/registry.ts";
import { tsIndicators } from "../../src/features/indicators.ts";
import { indicatorForms } from "../../src/features/spec.ts";
import { wasmIndicators } from "../helpers.ts";
import { expectAgree } from "./contract.ts";

/** A seeded random walk with a high/low range and volume, 600 bars. */
function bars(n = 600) {
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const close = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n), volume = new Float64Array(n);
  let x = 100;
  for (let i = 0; i < n; i++) {
    x = Math.max(1, x + (u() - 0.5) * 2);
    close[i] = x;
    high[i] = x + u();
    low[i] = x - u();
    volume[i] = 1000 + Math.floor(u() * 9000);
  }
  return { close, high, low, volume };
}

const call = (impl: object, name: string, args: unknown[]) =>
  (impl as Record<string, (...a: unknown[]) => Float64Array | Record<string, Float64Array>>)[name](...args);

describe("indicator registry", () => {
  const b = bars();

  for (const e of INDICATORS) {
    it(`${e.name}: twin, kernel and streaming form agree on every output`, async () => {
      const wasm = await wasmIndicators();
      const series = INPUT_COLUMNS[e.inputs].map((c) => b[c]);
      const args = e.params.map((p) => p.default as number);
      const parts: readonly string[] = e.outputs ?? ["value"];
      const columns = (r: Float64Array | Record<string, Float64Array>) => (r instanceof Float64Array ? { value: r } : r) as Record<string, Float64Array>;
      const twin = columns(call(tsIndicators, e.name, [...series, ...args]));
      const kernel = columns(call(wasm, e.name, [...series, ...args]));
      const stream: Record<string, Float64Array> = Object.fromEntries(parts.map((p) => [p, new Float64Array(b.close.length)]));
      const s = new (e.streaming as unknown as new (...a: number[]) => StreamingIndicator)(...args);
      for (let i = 0; i < b.close.length; i++) {
        const values = streamingOutputs(e, s, s.add(...series.map((c) => c[i])));
        parts.forEach((p, k) => (stream[p][i] = values[k]));
      }
      expect(Object.keys(kernel).sort()).toEqual([...parts].sort());
      for (const p of parts) {
        expectAgree(kernel[p], twin[p], 1e-9);
        expectAgree(stream[p], twin[p], 1e-9);
      }
      // Into caller arrays, the same numbers in the caller's arrays.
      const into = e.outputs ? Object.fromEntries(parts.map((p) => [p, new Float64Array(b.close.length)])) : new Float64Array(b.close.length);
      const written = columns(call(wasm, e.name, [...series, ...args, into]));
      for (const p of parts) expect(written[p]).toEqual(kernel[p]);
    });
  }

  it("hands released result arrays to later calls instead of fresh ones", async () => {
    const wasm = await wasmIndicators();
    const first = wasm.sma(b.close, 20);
    const keep = Float64Array.from(first);
    wasm.release(first);
    const second = wasm.ema(b.close, 20);
    expect(second).toBe(first);
    expectAgree(second, tsIndicators.ema(b.close, 20), 1e-12);
    // A subarray is never taken into the pool: its buffer may hold someone else's data.
    wasm.release(keep.subarray(1));
    expect(wasm.sma(b.close, 20)).not.toBe(keep);
  });

  it("lists every entry in the help forms, with its parameters and defaults", () => {
    expect(indicatorForms()).toHaveLength(INDICATORS.length);
    expect(indicatorForms()).toContain("macd:fast:slow:signal (default macd:12:26:9)");
  });
});
