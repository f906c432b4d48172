import type { Indicators } from "../features/indicators.ts";
import { WasmIndicators } from "../kernels/indicators.ts";
import { WasmJson, type JsonWriter } from "../kernels/json.ts";
import { isWasmModule } from "../kernels/module.ts";
import { WasmRisk } from "../kernels/risk.ts";
import { WasmSolver } from "../kernels/solver.ts";
import type { RiskStats } from "../risk/stats.ts";
import type { LinearSolver } from "../solver/types.ts";
import { tsJson } from "./json.ts";
import { WasmVectorKernels } from "../kernels/research.ts";
import type { VectorKernels } from "../research/vector/kernels.ts";
import { WasmNeural } from "../kernels/neural.ts";
import { kernelPredictor } from "../kernels/neural-predictor.ts";
import type { Predictor } from "../neural/predictor.ts";

/** What GET /version says about each loaded .wasm module. */
export interface KernelInfo {
  readonly name: string;
  readonly bytes: number;
  /** Hex SHA-256 of the module, so a client can tell which build answered. */
  readonly sha256: string;
  readonly exports: readonly string[];
}

/** The kernels the routes compute with; all but indicators are optional modules. */
export interface KernelSet {
  readonly indicators: Indicators;
  readonly risk?: RiskStats;
  readonly solver?: LinearSolver;
  /** Writes large numeric JSON answers (json.wasm); without it the TypeScript text does (src/api/json.ts). */
  readonly json?: JsonWriter;
  /** The sweeps' vectorized path (without it, sweeps use its TypeScript twin). */
  readonly vector?: VectorKernels;
  /** The forecasts' forward passes on neural.wasm (without it, the TypeScript reference forward runs them). */
  readonly predictor?: Predictor;
  readonly info: readonly KernelInfo[];
}

/** Module bytes as runtimes hand them over (a Node Buffer's backing store may be any ArrayBufferLike). */
export type WasmSource = ArrayBuffer | ArrayBufferView<ArrayBufferLike>;

/**
 * A module the platform compiled before the app ran (a Worker's or a Vercel
 * Edge Function's .wasm import: edge platforms forbid compiling bytes at run
 * time), with the size and hash of its bytes recorded by the build.
 */
export interface CompiledKernel {
  readonly module: WebAssembly.Module;
  readonly bytes: number;
  /** Hex SHA-256 of the .wasm file. */
  readonly sha256: string;
}

/** A kernel as a runtime adapter has it: bytes it read or embedded, or a module compiled ahead of time. */
export type KernelSource = WasmSource | CompiledKernel;

/** The kernels a runtime adapter hands to `loadKernels`; all but indicators are optional. */
export interface KernelSources {
  readonly indicators: KernelSource;
  readonly risk?: KernelSource;
  readonly solver?: KernelSource;
  readonly json?: KernelSource;
  readonly research?: KernelSource;
  readonly neural?: KernelSource;
}

/** Compiles (where given bytes) and instantiates every module given; the same call in every runtime. */
export async function loadKernels(sources: KernelSources): Promise<KernelSet> {
  const [indicators, risk, solver, json, research, neural] = await Promise.all([
    compile("indicators", sources.indicators),
    sources.risk ? compile("risk", sources.risk) : undefined,
    sources.solver ? compile("solver", sources.solver) : undefined,
    sources.json ? compile("json", sources.json) : undefined,
    sources.research ? compile("research", sources.research) : undefined,
    sources.neural ? compile("neural", sources.neural) : undefined,
  ]);
  return {
    indicators: await WasmIndicators.load(indicators.module),
    risk: risk ? await WasmRisk.load(risk.module) : undefined,
    solver: solver ? await WasmSolver.load(solver.module) : undefined,
    // The TypeScript writer takes over answers too large for the module's memory (MAX_KERNEL_ANSWER_BYTES).
    json: json ? await WasmJson.load(json.module, tsJson) : undefined,
    ...(research ? { vector: await WasmVectorKernels.load(research.module) } : {}),
    ...(neural ? { predictor: kernelPredictor(await WasmNeural.load(neural.module)) } : {}),
    info: [indicators, risk, solver, json, research, neural].filter((k) => k !== undefined).map((k) => k.info),
  };
}

async function compile(name: string, source: KernelSource): Promise<{ module: WebAssembly.Module; info: KernelInfo }> {
  if ("module" in source && isWasmModule(source.module)) {
    return { module: source.module, info: describe(name, source.module, source.bytes, source.sha256) };
  }
  // Never a SharedArrayBuffer here: every adapter reads or embeds plain bytes.
  const bytes = source as BufferSource;
  const module = await WebAssembly.compile(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return { module, info: describe(name, module, bytes.byteLength, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")) };
}

function describe(name: string, module: WebAssembly.Module, bytes: number, sha256: string): KernelInfo {
  return { name, bytes, sha256, exports: WebAssembly.Module.exports(module).map((e) => e.name).sort() };
}
