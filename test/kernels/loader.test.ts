// loadKernels takes bytes (Node, Deno, the neutral edge bundle) or modules the
// platform compiled ahead of time (Cloudflare Workers, Vercel Edge), and the
// app sees the same kernels either way.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { loadKernels, type KernelSources } from "../../src/api/kernels.ts";
import { isWasmModule } from "../../src/kernels/module.ts";
import { WasmIndicators } from "../../src/kernels/indicators.ts";
import { WasmNeural } from "../../src/kernels/neural.ts";
import { kernelPredictor } from "../../src/kernels/neural-predictor.ts";
import { cpuPredictor } from "../../src/neural/predictor.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { root, wasmBytes } from "../helpers.ts";

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
    // Both run neural.wasm (the kernels' floats, not the TypeScript forward's), and alike.
    const lstm = loadWeights(readFileSync(`${root}models/lstm.safetensors`));
    const windows = Float32Array.from({ length: 3 * lstm.model.config.inputSize }, (_, i) => Math.sin(i / 5));
    const kernels = kernelPredictor(await WasmNeural.load(wasmBytes("neural")));
    const want = await kernels.predict(lstm.model, lstm.weights, windows, 3);
    expect(await fromModules.predictor!.predict(lstm.model, lstm.weights, windows, 3)).toEqual(want);
    expect(await fromBytes.predictor!.predict(lstm.model, lstm.weights, windows, 3)).toEqual(want);
    expect(Array.from(await cpuPredictor.predict(lstm.model, lstm.weights, windows, 3))).not.toEqual(Array.from(want));
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
