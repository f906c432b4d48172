import { ConfigError } from "../core/errors.ts";
import { DenseSolver, VECTOR_SLOTS, type Workspace } from "../solver/solver.ts";
import type { SolverKernels } from "../solver/kernels.ts";
import { instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The module's memory is capped at 2 GiB (asconfig maximumMemory); keep 1 MiB for its static data and alignment. */
const MAX_BYTES = 2 ** 31 - 2 ** 20;

/** The raw ABI of build/solver.wasm (assembly/solver.ts); the TypeScript twins are in src/solver/kernels.ts. */
export interface SolverExports extends KernelExports, SolverKernels<Ptr> {}

/**
 * The linear solvers on the WASM kernels. A is copied once per call into
 * memory reserved for the largest system seen so far, so steady-state calls
 * allocate nothing but their results. Not reentrant: one instance serves one
 * thread.
 */
export class WasmSolver extends DenseSolver<Ptr> {
  constructor(readonly k: SolverExports) {
    super(k, new WasmWorkspace(k));
  }

  static async load(source: BufferSource | WebAssembly.Module): Promise<WasmSolver> {
    return new WasmSolver(await instantiateKernels<SolverExports>(source, "solver"));
  }
}

/** One n x n matrix, one n x n factor and VECTOR_SLOTS vectors, reserved once per larger n. */
class WasmWorkspace implements Workspace<Ptr> {
  private capacity = 0;
  private a = 0;
  private l = 0;
  private vectors: Ptr[] = [];

  constructor(private readonly k: SolverExports) {}

  prepare(n: number): void {
    if (n <= this.capacity) return;
    const bytes = (2 * n * n + VECTOR_SLOTS * Math.max(n, 4)) * 8;
    if (bytes > MAX_BYTES) {
      throw new ConfigError(`a ${n} x ${n} system needs ${bytes} bytes, more than the solver module's ${MAX_BYTES} (2 GiB less 1 MiB); use tsSolver`, { field: "a" });
    }
    this.k.resetArena();
    this.a = this.k.reserve(n * n * 8) >>> 0;
    this.l = this.k.reserve(n * n * 8) >>> 0;
    this.vectors = Array.from({ length: VECTOR_SLOTS }, () => this.k.reserve(Math.max(n, 4) * 8) >>> 0);
    this.capacity = n;
  }

  matrix(values: Float64Array): Ptr {
    this.view(this.a, values.length).set(values);
    return this.a;
  }

  factor(): Ptr {
    return this.l;
  }

  vector(slot: number, values?: Float64Array): Ptr {
    const ptr = this.vectors[slot];
    if (values) this.view(ptr, values.length).set(values);
    return ptr;
  }

  read(buf: Ptr, length: number): Float64Array {
    return this.view(buf, length).slice();
  }

  /** Built on every use: memory growth detaches older views. */
  private view(ptr: Ptr, length: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, length);
  }
}
