import { describe, expect, it } from "vitest";
import { tsRisk } from "../../src/risk/stats.ts";
import { wasmBytes } from "../helpers.ts";
import { expectAgree } from "../features/contract.ts";
import { managers, ourValue, paRows, relativeError, SCALE } from "../risk/pa-fixture.ts";
import { lcgReturns, wasmRisk } from "../risk/wasm.ts";

describe("risk kernels (build/risk.wasm)", () => {
  it("imports nothing", () => {
    expect(WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(wasmBytes("risk"))))).toEqual([]);
  });

  it("match every metric of pa_risk_metrics_ham1_3.csv to 1e-9 relative", async () => {
    const wasm = await wasmRisk();
    const failures = paRows
      .map((row) => ({ row, ours: ourValue(wasm, row) }))
      .filter(({ row, ours }) => !(relativeError(ours, row.value) <= 1e-9))
      .map(({ row, ours }) => `${row.series} ${row.metric} ${row.params}: PA ${row.value}, ours ${ours}`);
    expect(failures).toEqual([]);
  });

  it("agree with the TypeScript twins on a long series with gaps", async () => {
    const wasm = await wasmRisk();
    const r = lcgReturns(200_001, 7);
    for (let i = 0; i < r.length; i += 97) r[i] = NaN;
    const a = wasm.summary(r, 252);
    const b = tsRisk.summary(r, 252);
    for (const key of Object.keys(b) as (keyof typeof b)[]) {
      expect(relativeError(a[key], b[key]), key).toBeLessThan(1e-12);
    }
    for (const p of [0.9, 0.95, 0.99, 0.999]) {
      const x = wasm.tailRisk(r, p);
      const y = tsRisk.tailRisk(r, p);
      for (const m of ["historical", "gaussian", "modified"] as const) {
        expect(relativeError(x[m].VaR, y[m].VaR), `${m} VaR ${p}`).toBeLessThan(1e-12);
        expect(relativeError(x[m].ES, y[m].ES), `${m} ES ${p}`).toBeLessThan(1e-12);
      }
    }
    for (const p of [0.95, 0.99]) expect(wasm.historical(r, p)).toEqual(tsRisk.historical(r, p));
    for (const geometric of [true, false]) expect(wasm.drawdown(r, geometric)).toEqual(tsRisk.drawdown(r, geometric));
    const s = [lcgReturns(5000, 1), lcgReturns(5000, 2), lcgReturns(5000, 3)];
    s[1][10] = NaN;
    expectAgree(wasm.covarianceMatrix(s), tsRisk.covarianceMatrix(s), 1e-15);
    const c1 = wasm.comoments(s[0], s[1]);
    const c2 = tsRisk.comoments(s[0], s[1]);
    expect(c1.n).toBe(c2.n);
    expect(relativeError(c1.beta, c2.beta)).toBeLessThan(1e-12);
    expect(relativeError(c1.correlation, c2.correlation)).toBeLessThan(1e-12);
  });

  it("reuses its buffers: repeated calls do not grow memory", async () => {
    const wasm = await wasmRisk();
    const r = lcgReturns(50_000, 3);
    wasm.summary(r, 252);
    wasm.tailRisk(r, 0.99);
    const pages = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) {
      wasm.summary(r, 252);
      wasm.tailRisk(r, 0.99);
      wasm.drawdown(r, false);
    }
    expect(wasm.k.memory.buffer.byteLength).toBe(pages);
  });

  it("handle a short series after a long one (stale buffer contents are not read)", async () => {
    const wasm = await wasmRisk();
    wasm.tailRisk(lcgReturns(10_000, 5), 0.95);
    const ham1 = managers.HAM1;
    const twin = tsRisk.summary(ham1, SCALE);
    for (const [key, value] of Object.entries(wasm.summary(ham1, SCALE))) {
      expect(value, key).toBeCloseTo(twin[key as keyof typeof twin], 12);
    }
    expect(wasm.tailRisk(Float64Array.of(0.01), 0.95).historical).toEqual({ VaR: 0.01, ES: 0.01 });
  });

  it("reject bad input with the twin's errors", async () => {
    const wasm = await wasmRisk();
    for (const stats of [wasm, tsRisk]) {
      expect(() => stats.tailRisk(new Float64Array(0), 0.95)).toThrow(/returns is empty; at least 1 needed/);
      expect(() => stats.tailRisk(Float64Array.of(NaN, NaN), 0.95)).toThrow(/returns has 0 non-missing values/);
      expect(() => stats.tailRisk(Float64Array.of(0.01, Infinity), 0.95)).toThrow(/returns\[1\] is Infinity/);
      expect(() => stats.tailRisk(Float64Array.of(0.01), 1)).toThrow(/confidence must be a number strictly between 0 and 1/);
      expect(() => stats.tailRisk(Float64Array.of(0.01), NaN)).toThrow(/confidence/);
      expect(() => stats.summary(Float64Array.of(0.01), 12)).toThrow(/returns has 1 non-missing value; at least 2 needed/);
      expect(() => stats.summary(Float64Array.of(0.01, 0.02), 0)).toThrow(/scale must be a finite number > 0/);
      expect(() => stats.drawdown(new Float64Array(0), true)).toThrow(/returns is empty/);
      expect(() => stats.historical(Float64Array.of(NaN), 0.99)).toThrow(/returns has 0 non-missing values/);
      expect(() => stats.historical(Float64Array.of(0.01), 0)).toThrow(/confidence must be/);
      expect(() => stats.covarianceMatrix([])).toThrow(/series is empty/);
      expect(() => stats.comoments(Float64Array.of(1, 2), Float64Array.of(1))).toThrow(/different lengths/);
    }
  });
});
