import { ConfigError } from "../core/errors.ts";
import { ACTIVATIONS, type Activation } from "../gpu/programs.ts";
import { instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/neural.wasm (assembly/neural.ts): float32 arrays, row strides and sizes in floats. */
export interface NeuralExports extends KernelExports {
  /** C[m, n] = act(A·B + bias + (accumulate ? C : 0)); bias 0 = none; act: the index in ACTIVATIONS. */
  gemm(m: number, n: number, k: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, act: number, accumulate: boolean): void;
  lstmCell(gates: Ptr, ldg: number, c: Ptr, h: Ptr, ldh: number, batch: number, hidden: number): void;
  attention(qkv: Ptr, ld: number, out: Ptr, ldo: number, batch: number, steps: number, dim: number, heads: number, scratch: Ptr): void;
  layerNorm(x: Ptr, gamma: Ptr, beta: Ptr, out: Ptr, rows: number, n: number, eps: number): void;
  maxPool1d(x: Ptr, out: Ptr, batch: number, length: number, k: number): void;
  copy2d(src: Ptr, srs: number, scs: number, dst: Ptr, drs: number, rows: number, cols: number): void;
  tokenEmbed(x: Ptr, w: Ptr, table: Ptr, out: Ptr, count: number, steps: number, dim: number): void;
}

/** The activation's code in the kernels' ABI (the order of ACTIVATIONS, as the WGSL uses). */
export function activationCode(act: Activation): number {
  return ACTIVATIONS.indexOf(act);
}

/** The module's memory is capped at 2 GiB (asconfig maximumMemory); keep 1 MiB for its static data and alignment. */
const MAX_BYTES = 2 ** 31 - 2 ** 20;

/**
 * build/neural.wasm and its memory: float32 buffers reserved together, kept
 * until a call needs different ones (a new weight set, or room for more
 * windows). Not reentrant: one instance serves one thread.
 */
export class WasmNeural {
  /** The sizes (in floats) the live buffers were reserved for, and the tag of what they hold. */
  private sizes: number[] = [];
  private ptrs: Ptr[] = [];
  private tag: unknown = null;

  constructor(readonly k: NeuralExports) {}

  static async load(source: BufferSource | WebAssembly.Module): Promise<WasmNeural> {
    return new WasmNeural(await instantiateKernels<NeuralExports>(source, "neural"));
  }

  /**
   * Addresses of buffers of at least `sizes` floats each. While `tag` and
   * the number of buffers stay the same and every size fits, the same
   * buffers (and what they hold) are returned and `fresh` is false;
   * otherwise the arena is reset, every buffer reserved anew (empty) and
   * `fresh` is true.
   */
  buffers(tag: unknown, sizes: readonly number[]): { ptrs: readonly Ptr[]; fresh: boolean } {
    if (tag === this.tag && sizes.length === this.sizes.length && sizes.every((s, i) => s <= this.sizes[i])) {
      return { ptrs: this.ptrs, fresh: false };
    }
    // 16 bytes more per buffer: reserve aligns each to 16.
    const bytes = sizes.reduce((sum, s) => sum + 4 * s + 16, 0);
    if (bytes > MAX_BYTES) {
      throw new ConfigError(`the pass needs ${Math.ceil(bytes / 2 ** 20)} MiB of kernel memory, more than the ${MAX_BYTES / 2 ** 20} MiB the neural module can hold`, { field: "count" });
    }
    this.tag = null;
    this.k.resetArena();
    this.ptrs = sizes.map((s) => this.k.reserve(Math.max(4 * s, 16)) >>> 0);
    this.sizes = sizes.slice();
    this.tag = tag;
    return { ptrs: this.ptrs, fresh: true };
  }

  /** n floats at ptr; made on every use, since memory growth detaches older views. */
  view(ptr: Ptr, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, n);
  }
}
