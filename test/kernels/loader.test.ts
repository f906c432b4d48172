// loadKernels takes bytes (Node, Deno, the neutral edge bundle) or modules the
// platform compiled ahead of time (Cloudflare Workers, Vercel Edge), and the
// app sees the same kernels either way.
import { createHash } from "node:crypto";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { loadKernels, type KernelSources } from "../../src/api/kernels.ts";
import { isWasmModule } from "../../src/kernels/module.ts";
import { WasmIndicators } from "../../src/kernels/indicators.ts";
import { wasmBytes } from "../helpers.ts";

const names = ["indicators", "risk", "solver", "json", "neural"] as const;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("loadKernels", () => {
  it("gives the same kernels and the same module facts from bytes and from precompiled modules", async () => {
    const fromBytes = await loadKernels(Object.fromEntries(names.map((n) => [n, wasmBytes(n)])) as Record<(typeof names)[number], Uint8Array>);
    const compiled = Object.fromEntries(await Promise.all(names.map(async (n) => {
      const bytes = wasmBytes(n);
      return [n, { module: await WebAssembly.compile(bytes as BufferSource), bytes: bytes.length, sha256: sha256(bytes) }] as const;
    })));
    const fromModules = await loadKernels(compiled as unknown as KernelSources);
    expect(fromModules.info).toEqual(fromBytes.info);
    expect(fromBytes.info.map((k) => k.sha256)).toEqual(names.map((n) => sha256(wasmBytes(n))));
    const close = Float64Array.from({ length: 300 }, (_, i) => 100 + Math.sin(i / 7) * 5);
    expect(fromModules.indicators.rsi(close, 14)).toEqual(fromBytes.indicators.rsi(close, 14));
    expect(fromModules.json!.write(["", close])).toEqual(fromBytes.json!.write(["", close]));
    expect(fromModules.predictor?.backend).toBe("cpu");
    expect(fromBytes.predictor?.backend).toBe("cpu");
  });

  it("accepts a module compiled in another realm, as edge-runtime hands them into its VM", async () => {
    const bytes = wasmBytes("indicators");
    const foreign = await (runInNewContext("WebAssembly.compile(bytes)", { bytes }) as Promise<WebAssembly.Module>);
    expect(foreign instanceof WebAssembly.Module).toBe(false);
    expect(isWasmModule(foreign)).toBe(true);
    expect(isWasmModule(bytes)).toBe(false);
    const ind = await WasmIndicators.load(foreign);
    expect(Array.from(ind.sma(Float64Array.from([1, 2, 3, 4]), 2))).toEqual([NaN, 1.5, 2.5, 3.5]);
  });
});
