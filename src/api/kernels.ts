import type { Indicators } from "../features/indicators.ts";
import { WasmIndicators } from "../kernels/indicators.ts";
import { WasmRisk } from "../kernels/risk.ts";
import { WasmSolver } from "../kernels/solver.ts";
import type { RiskStats } from "../risk/stats.ts";
import type { LinearSolver } from "../solver/types.ts";

/** What GET /version says about each loaded .wasm module. */
export interface KernelInfo {
  readonly name: string;
  readonly bytes: number;
  /** Hex SHA-256 of the module, so a client can tell which build answered. */
  readonly sha256: string;
  readonly exports: readonly string[];
}

/** The kernels the routes compute with; risk and solver are optional modules. */
export interface KernelSet {
  readonly indicators: Indicators;
  readonly risk?: RiskStats;
  readonly solver?: LinearSolver;
  readonly info: readonly KernelInfo[];
}

/** Module bytes as runtimes hand them over (a Node Buffer's backing store may be any ArrayBufferLike). */
export type WasmSource = ArrayBuffer | ArrayBufferView<ArrayBufferLike>;

/** The .wasm bytes a runtime adapter read (a file, an embedded asset, a fetch). */
export interface KernelBytes {
  readonly indicators: WasmSource;
  readonly risk?: WasmSource;
  readonly solver?: WasmSource;
}

/** Compiles and instantiates every module given; the same call in every runtime. */
export async function loadKernels(bytes: KernelBytes): Promise<KernelSet> {
  const [indicators, risk, solver] = await Promise.all([
    compile("indicators", bytes.indicators),
    bytes.risk ? compile("risk", bytes.risk) : undefined,
    bytes.solver ? compile("solver", bytes.solver) : undefined,
  ]);
  return {
    indicators: await WasmIndicators.load(indicators.module),
    risk: risk ? await WasmRisk.load(risk.module) : undefined,
    solver: solver ? await WasmSolver.load(solver.module) : undefined,
    info: [indicators, risk, solver].filter((k) => k !== undefined).map((k) => k.info),
  };
}

async function compile(name: string, source: WasmSource): Promise<{ module: WebAssembly.Module; info: KernelInfo }> {
  // Never a SharedArrayBuffer here: every adapter reads or embeds plain bytes.
  const bytes = source as BufferSource;
  const module = await WebAssembly.compile(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return {
    module,
    info: {
      name,
      bytes: bytes.byteLength,
      sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
      exports: WebAssembly.Module.exports(module).map((e) => e.name).sort(),
    },
  };
}
