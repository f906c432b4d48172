import { ConfigError } from "../core/errors.ts";
import {
  EVENT_SLOTS, type Handle, type SimParams, type SimResult, type VectorKernels, type VectorSession,
} from "../research/vector/kernels.ts";
import type { BlockSums, EquityMoments } from "../research/stats.ts";
import type { CscvScorer } from "../research/guards.ts";
import { instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/research.wasm (assembly/research.ts). */
export interface ResearchExports extends KernelExports {
  smaStream(src: Ptr, dst: Ptr, n: number, period: number): void;
  rsiStream(src: Ptr, dst: Ptr, n: number, period: number): void;
  bandsStream(src: Ptr, middle: Ptr, width: Ptr, n: number, period: number): void;
  momentumSignals(fast: Ptr, slow: Ptr, rsi: Ptr, out: Ptr, n: number, start: number, rsiMax: number, allowShort: boolean): void;
  meanReversionSignals(close: Ptr, middle: Ptr, width: Ptr, out: Ptr, n: number, start: number, entryZ: number, exitZ: number, allowShort: boolean): void;
  simulate(
    n: number, open: Ptr, close: Ptr, openInt: Ptr, signals: Ptr, fracLong: Ptr, fracShort: Ptr,
    cfg: Ptr, cfgF: Ptr, equity: Ptr, events: Ptr, maxEvents: number, result: Ptr,
  ): number;
  equityStats(equity: Ptr, n: number, blocks: number, out: Ptr): void;
  cscvScores(cn: Ptr, cs: Ptr, cq: Ptr, trials: number, blocks: number, set: number, out: Ptr): void;
  /** m 10^-k as the nearest double (m is an i64: a BigInt from JavaScript). */
  decimalToF64(m: bigint, k: number): number;
}

/** The most CSCV blocks equityStats fills. */
const MAX_BLOCKS = 64;

/** Kernel memory is capped at 2 GiB (asconfig maximumMemory); keep a margin for static data. */
const MAX_ARENA_BYTES = 2 ** 31 - 2 ** 24;

/**
 * The vectorized fast path on build/research.wasm. One session at a time:
 * opening a session frees the previous one's memory (a sweep runs its runs
 * series by series). Not reentrant: one instance serves one thread.
 */
export class WasmVectorKernels implements VectorKernels {
  readonly name = "wasm";
  private generation = 0;

  constructor(readonly k: ResearchExports) {}

  static async load(source: BufferSource | WebAssembly.Module): Promise<WasmVectorKernels> {
    return new WasmVectorKernels(await instantiateKernels<ResearchExports>(source, "research"));
  }

  /**
   * PBO's scorer on the kernel (cscvScores). Its columns are reserved after
   * whatever the current session holds; a later session frees them.
   */
  readonly cscv: CscvScorer = (columns, trials, blocks) => {
    const k = this.k;
    const bytes = 8 * trials * blocks;
    const [cn, cs, cq] = [columns.n, columns.sum, columns.sumSq].map((c) => {
      const ptr = k.reserve(bytes) >>> 0;
      new Float64Array(k.memory.buffer, ptr, trials * blocks).set(c);
      return ptr;
    });
    const out = k.reserve(8 * trials) >>> 0;
    const generation = this.generation;
    return (set, into) => {
      if (generation !== this.generation) throw new Error("the CSCV columns were freed by a newer session");
      k.cscvScores(cn, cs, cq, trials, blocks, set, out);
      into.set(new Float64Array(k.memory.buffer, out, trials));
    };
  };

  session(close: Float64Array, open: Float64Array, openInt: BigInt64Array): VectorSession {
    this.k.resetArena();
    return new WasmSession(this, ++this.generation, close, open, openInt);
  }

  /** True while `generation` is the newest session. */
  isCurrent(generation: number): boolean {
    return generation === this.generation;
  }
}

class WasmSession implements VectorSession {
  private readonly n: number;
  private reserved = 0;
  private readonly close: Ptr;
  private readonly open: Ptr;
  private readonly openInt: Ptr;
  private readonly sig: Ptr;
  private readonly equity: Ptr;
  private readonly events: Ptr;
  private readonly maxEvents: number;
  private readonly cfg: Ptr;
  private readonly cfgF: Ptr;
  private readonly result: Ptr;
  private readonly stats: Ptr;
  private readonly cache = new Map<string, Handle>();

  constructor(private readonly owner: WasmVectorKernels, private readonly generation: number, close: Float64Array, open: Float64Array, openInt: BigInt64Array) {
    const n = (this.n = close.length);
    // Each bar can bring at most two fills (an exit and an entry) and a denied order.
    this.maxEvents = 3 * n + 4;
    this.close = this.reserve(8 * n);
    this.open = this.reserve(8 * n);
    this.openInt = this.reserve(8 * n);
    this.sig = this.reserve(n);
    this.equity = this.reserve(8 * n);
    this.events = this.reserve(8 * EVENT_SLOTS * this.maxEvents);
    this.cfg = this.reserve(64);
    this.cfgF = this.reserve(16);
    this.result = this.reserve(48);
    this.stats = this.reserve(8 * (8 + 3 * MAX_BLOCKS));
    this.f64(this.close, n).set(close);
    this.f64(this.open, n).set(open);
    new BigInt64Array(this.k.memory.buffer, this.openInt, n).set(openInt);
  }

  private get k(): ResearchExports {
    if (!this.owner.isCurrent(this.generation)) throw new Error("this vector session was closed by a newer one");
    return this.owner.k;
  }

  get length(): number {
    return this.n;
  }

  private reserve(bytes: number): Ptr {
    this.reserved += bytes + 16;
    if (this.reserved > MAX_ARENA_BYTES) {
      throw new ConfigError(`a series of ${this.n} bars needs more than ${MAX_ARENA_BYTES / 2 ** 20} MiB of kernel memory for the vectorized path`, { field: "data" });
    }
    return this.k.reserve(Math.max(bytes, 8)) >>> 0;
  }

  /** A view of memory; made per call, since reserving may have grown (and detached) the buffer. */
  private f64(ptr: Ptr, n: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, n);
  }

  private held(key: string, make: (dst: Ptr) => void): Handle {
    let h = this.cache.get(key);
    if (h === undefined) {
      h = this.reserve(8 * this.n);
      make(h);
      this.cache.set(key, h);
    }
    return h;
  }

  sma(period: number): Handle {
    return this.held(`sma${period}`, (dst) => this.k.smaStream(this.close, dst, this.n, period));
  }

  rsi(period: number): Handle {
    return this.held(`rsi${period}`, (dst) => this.k.rsiStream(this.close, dst, this.n, period));
  }

  bands(period: number): { middle: Handle; width: Handle } {
    const width = this.held(`wid${period}`, () => {});
    const middle = this.held(`mid${period}`, (dst) => this.k.bandsStream(this.close, dst, width, this.n, period));
    return { middle, width };
  }

  upload(values: Float64Array): Handle {
    const h = this.reserve(8 * this.n);
    this.f64(h, this.n).set(values);
    return h;
  }

  at(handle: Handle, i: number): number {
    return this.f64(handle, this.n)[i];
  }

  signals(): Uint8Array {
    return new Uint8Array(this.k.memory.buffer, this.sig, this.n);
  }

  momentumSignals(fast: Handle, slow: Handle, rsi: Handle, start: number, rsiMax: number, allowShort: boolean): void {
    this.k.momentumSignals(fast, slow, rsi, this.sig, this.n, start, rsiMax, allowShort);
  }

  meanReversionSignals(middle: Handle, width: Handle, start: number, entryZ: number, exitZ: number, allowShort: boolean): void {
    this.k.meanReversionSignals(this.close, middle, width, this.sig, this.n, start, entryZ, exitZ, allowShort);
  }

  equityStats(blocks: number): EquityMoments | null {
    if (!(blocks >= 0 && blocks <= MAX_BLOCKS)) throw new RangeError(`at most ${MAX_BLOCKS} blocks, got ${blocks}`);
    this.k.equityStats(this.equity, this.n, blocks, this.stats);
    const v = this.f64(this.stats, 8 + 3 * blocks);
    if (v[7] !== 0) return null;
    const n = v[0];
    const sums: BlockSums[] = [];
    if (blocks > 0 && Math.floor(n / blocks) >= 1) for (let b = 0; b < blocks; b++) sums.push({ n: v[8 + 3 * b], sum: v[9 + 3 * b], sumSq: v[10 + 3 * b] });
    return { n, mean: v[1], m2: v[2], m3: v[3], m4: v[4], downside: v[5], maxDrawdown: v[6], blocks: sums };
  }

  simulate(p: SimParams): SimResult {
    const k = this.k;
    const m = p.money;
    const cfg = new BigInt64Array(k.memory.buffer, this.cfg, 8);
    cfg[0] = m.buyNum;
    cfg[1] = m.sellNum;
    cfg[2] = m.priceMul;
    cfg[3] = m.commissionPerShare;
    cfg[4] = m.commissionPerOrder;
    cfg[5] = m.initialCash;
    cfg[6] = BigInt(m.K);
    cfg[7] = BigInt((p.denyShort ? 1 : 0) | (p.fractions ? 2 : 0));
    this.f64(this.cfgF, 1)[0] = p.fraction;
    const status = k.simulate(this.n, this.open, this.close, this.openInt, this.sig, p.fractions?.long ?? 0, p.fractions?.short ?? 0,
      this.cfg, this.cfgF, this.equity, this.events, this.maxEvents, this.result);
    const r = this.f64(this.result, 5);
    const nEvents = r[0];
    return {
      status, equity: this.f64(this.equity, this.n), events: this.f64(this.events, nEvents * EVENT_SLOTS), nEvents,
      exposed: r[1], totalCommission: r[2],
    };
  }
}
