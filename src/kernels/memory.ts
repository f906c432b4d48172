import { ConfigError } from "../core/errors.ts";
import type { HnswBackend, HnswEngine } from "../memory/layout.ts";
import { compileKernels } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/memory.wasm (assembly/memory.ts); the TypeScript twin is src/memory/hnsw-twin.ts. */
export interface MemoryExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): Ptr;
  insert(ctx: Ptr, node: number, level: number): void;
  search(ctx: Ptr, k: number, ef: number, useMask: boolean): number;
  exact(ctx: Ptr, k: number, useMask: boolean): number;
}

/** A module's memory tops out at 2 GiB (asconfig maximumMemory). */
const MAX_BYTES = 2 ** 31;
const PAGE = 65536;

/**
 * The vector index's kernels on build/memory.wasm. Each index gets its own
 * instance of the module, and so its own memory, which it grows as the
 * graph does; instances are made synchronously from the module compiled
 * once here (small enough for a browser's main thread too).
 */
export class WasmHnsw implements HnswBackend {
  readonly name = "wasm";

  private constructor(private readonly module: WebAssembly.Module) {}

  static async load(source: BufferSource | WebAssembly.Module): Promise<WasmHnsw> {
    return new WasmHnsw(await compileKernels(source, "memory"));
  }

  create(): HnswEngine {
    const k = new WebAssembly.Instance(this.module, {}).exports as unknown as MemoryExports;
    return {
      base: k.heapBase() >>> 0,
      buffer: () => k.memory.buffer,
      grow(bytes) {
        const have = k.memory.buffer.byteLength;
        if (bytes <= have) return;
        if (bytes > MAX_BYTES) {
          throw new ConfigError(`the index needs ${Math.ceil(bytes / 2 ** 20)} MiB, over the 2 GiB of a kernel module's memory`, { field: "capacity" });
        }
        k.memory.grow(Math.ceil((bytes - have) / PAGE));
      },
      insert: (ctx, node, level) => k.insert(ctx, node, level),
      search: (ctx, kk, ef, useMask) => k.search(ctx, kk, ef, useMask),
      exact: (ctx, kk, useMask) => k.exact(ctx, kk, useMask),
    };
  }
}
