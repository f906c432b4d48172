import { ConfigError } from "../core/errors.ts";

/** The exports every kernel module shares: its memory and the arena allocator. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  resetArena(): void;
}

/**
 * True for a compiled WebAssembly.Module from any realm. Edge hosts hand over
 * modules compiled outside the isolate's own realm (edge-runtime compiles in
 * Node and passes them into its VM), where `instanceof` says false.
 */
export function isWasmModule(value: unknown): value is WebAssembly.Module {
  return Object.prototype.toString.call(value) === "[object WebAssembly.Module]";
}

/**
 * Instantiates a kernel module from the bytes or the compiled module the
 * runtime adapter supplies (edge platforms forbid compiling bytes and import
 * .wasm files as modules instead). Kernel modules import nothing, so an
 * import is a build error worth naming.
 */
export async function instantiateKernels<T extends KernelExports>(
  source: BufferSource | WebAssembly.Module,
  name: string,
): Promise<T> {
  const instance = await WebAssembly.instantiate(await compileKernels(source, name), {});
  return instance.exports as unknown as T;
}

/** The compiled module of a kernel (see instantiateKernels), for hosts that instantiate it more than once. */
export async function compileKernels(source: BufferSource | WebAssembly.Module, name: string): Promise<WebAssembly.Module> {
  const module = isWasmModule(source) ? source : await WebAssembly.compile(source);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) {
    throw new ConfigError(`${name}.wasm must import nothing, but imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}`);
  }
  return module;
}

/** Kernel memory is capped at 2 GiB (asconfig maximumMemory); keep a margin for static data. */
const MAX_ARENA_BYTES = 2 ** 31 - 2 ** 24;

/**
 * Reused float64 buffers inside a module's memory. `ensure(slots, n)` reserves
 * `slots` buffers of n values once and keeps them until a larger n arrives,
 * so steady-state calls allocate nothing. Views are rebuilt after memory
 * growth, which detaches the old ArrayBuffer.
 */
export class F64Arena {
  private capacity = 0;
  private ptrs: number[] = [];
  private views: Float64Array[] = [];
  private buffer: ArrayBuffer | null = null;

  constructor(private readonly k: KernelExports, private readonly slots: number) {}

  /** Makes room for n values in every slot; returns the slot addresses. */
  ensure(n: number): readonly number[] {
    if (n > this.capacity || this.ptrs.length === 0) {
      const capacity = Math.max(n, 1024);
      const bytes = capacity * 8 * this.slots;
      if (bytes > MAX_ARENA_BYTES) {
        throw new ConfigError(`${n} values need ${Math.ceil(bytes / 2 ** 20)} MiB of kernel memory, more than the ${MAX_ARENA_BYTES / 2 ** 20} MiB a module can hold`, { field: "values" });
      }
      this.k.resetArena();
      const ptrs: number[] = [];
      for (let s = 0; s < this.slots; s++) ptrs.push(this.k.reserve(capacity * 8) >>> 0);
      this.ptrs = ptrs;
      this.capacity = capacity;
      this.buffer = null;
    }
    return this.ptrs;
  }

  /** A view of the first n values of a slot, valid until the next ensure() that grows. */
  view(slot: number, n: number): Float64Array {
    const buf = this.k.memory.buffer;
    if (this.buffer !== buf) {
      this.buffer = buf;
      this.views = this.ptrs.map((p) => new Float64Array(buf, p, this.capacity));
    }
    return n === this.capacity ? this.views[slot] : this.views[slot].subarray(0, n);
  }
}
