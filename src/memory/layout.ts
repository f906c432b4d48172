import { ConfigError } from "../core/errors.ts";

/**
 * Where an HNSW graph lives: one block of memory (a WebAssembly module's
 * memory, or an ArrayBuffer for the TypeScript twin) holding a context block
 * of i32 words followed by every region the kernel reads. The host (this
 * file) lays the regions out and grows them; the kernels
 * (assembly/memory/hnsw.ts and its twin src/memory/hnsw-twin.ts) allocate
 * nothing and find everything through the context words.
 */

/** Context words (byte offset 4 * word), as assembly/memory/hnsw.ts numbers them. */
export const W = {
  /** Floats per stored vector: the dimension rounded up to a multiple of 8, zero padded. */
  STRIDE: 0,
  /** 0: squared L2; 1: 1 - dot product. */
  METRIC: 1,
  M: 2,
  M0: 3,
  COUNT: 4,
  ENTRY: 5,
  MAX_LEVEL: 6,
  EF_CONSTRUCTION: 7,
  VECTORS: 8,
  LINKS0: 9,
  UPPER: 10,
  POOL: 11,
  FLAGS: 12,
  MASK: 13,
  VISITED: 14,
  EPOCH: 15,
  HEAP_A: 16,
  HEAP_B: 17,
  SCRATCH: 18,
  OUT: 19,
  QUERY: 20,
  BATCH: 21,
  NODE_BYTES: 22,
} as const;

const CONTEXT_BYTES = 128;

/** FLAGS byte of a deleted node. */
export const DELETED = 1;

/**
 * The memory an engine computes in, and its three kernel entry points
 * (documented in assembly/memory/hnsw.ts).
 */
export interface HnswEngine {
  /** The memory's bytes now; a new ArrayBuffer after grow(). */
  buffer(): ArrayBuffer;
  /** The first byte the host may use. */
  readonly base: number;
  /** Makes the memory at least `bytes` long, keeping what it holds. */
  grow(bytes: number): void;
  insert(ctx: number, node: number, level: number): void;
  search(ctx: number, k: number, ef: number, useMask: boolean): number;
  exact(ctx: number, k: number, useMask: boolean): number;
}

/** Makes engines: one per index, each with its own memory. */
export interface HnswBackend {
  /** "wasm" or "typescript", for reports and benchmarks. */
  readonly name: string;
  create(): HnswEngine;
}

export interface GraphShape {
  readonly dimension: number;
  /** 0: squared L2; 1: 1 - dot product. */
  readonly metric: 0 | 1;
  readonly M: number;
  readonly efConstruction: number;
}

/** What the regions must hold at least. */
interface Sizes {
  nodes: number;
  poolWords: number;
  /** Pairs in the result heap: the largest ef or k asked for. */
  beam: number;
}

/**
 * The regions in address order; the first four hold the graph, the rest are
 * scratch. NODES holds one block per node, its level-0 list (count and 2M
 * ids, padded to 16 bytes) then its vector, as hnswlib keeps them: walking
 * a node's links then touches memory next to the vector just compared.
 */
const REGIONS = ["NODES", "UPPER", "FLAGS", "POOL", "MASK", "VISITED", "HEAP_A", "HEAP_B", "SCRATCH", "OUT", "QUERY", "BATCH"] as const;
const KEPT = 4;
type Region = (typeof REGIONS)[number];

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * An HNSW graph's memory: the context block and its regions, regrown (and
 * the graph moved) when more nodes, upper-level links or a wider beam are
 * needed. Views are rebuilt whenever the engine's buffer changes.
 */
export class GraphMemory {
  readonly stride: number;
  readonly M0: number;
  readonly ctx: number;
  /** Bytes of a node's block in NODES, and where its vector starts in it. */
  readonly nodeBytes: number;
  private readonly vectorOffset: number;
  private sizes: Sizes = { nodes: 0, poolWords: 0, beam: 0 };
  private offsets = new Map<Region, number>();
  private lengths = new Map<Region, number>();
  private views: { buffer: ArrayBuffer; i32: Int32Array; f32: Float32Array; u8: Uint8Array } | null = null;

  constructor(readonly engine: HnswEngine, readonly shape: GraphShape) {
    this.stride = Math.ceil(shape.dimension / 8) * 8;
    this.M0 = 2 * shape.M;
    this.vectorOffset = align16((1 + this.M0) * 4);
    this.nodeBytes = this.vectorOffset + this.stride * 4;
    this.ctx = align16(engine.base);
    engine.grow(this.ctx + CONTEXT_BYTES);
    this.setWord(W.STRIDE, this.stride);
    this.setWord(W.METRIC, shape.metric);
    this.setWord(W.M, shape.M);
    this.setWord(W.M0, this.M0);
    this.setWord(W.COUNT, 0);
    this.setWord(W.ENTRY, -1);
    this.setWord(W.MAX_LEVEL, -1);
    this.setWord(W.EF_CONSTRUCTION, shape.efConstruction);
    this.setWord(W.NODE_BYTES, this.nodeBytes);
    this.ensure({ nodes: 64, poolWords: 64, beam: Math.max(64, shape.efConstruction) });
  }

  get i32(): Int32Array {
    return this.view().i32;
  }

  get f32(): Float32Array {
    return this.view().f32;
  }

  get u8(): Uint8Array {
    return this.view().u8;
  }

  word(w: number): number {
    return this.i32[(this.ctx >> 2) + w];
  }

  setWord(w: number, value: number): void {
    this.i32[(this.ctx >> 2) + w] = value;
  }

  /** Byte address of a region. */
  at(region: Region): number {
    return this.offsets.get(region)!;
  }

  /** Index in f32 of a node's vector (stride floats). */
  vectorIndex(node: number): number {
    return (this.at("NODES") + node * this.nodeBytes + this.vectorOffset) >> 2;
  }

  /** Index in i32 of a node's level-0 list (its count, then 2M ids). */
  links0Index(node: number): number {
    return (this.at("NODES") + node * this.nodeBytes) >> 2;
  }

  get capacity(): number {
    return this.sizes.nodes;
  }

  get poolWords(): number {
    return this.sizes.poolWords;
  }

  get beam(): number {
    return this.sizes.beam;
  }

  /**
   * Makes room for at least the sizes asked; a region that must grow grows
   * to at least twice its size, so a series of adds moves the graph O(log n)
   * times.
   */
  ensure(need: Partial<Sizes>): void {
    const old = this.sizes;
    if ((need.nodes ?? 0) <= old.nodes && (need.poolWords ?? 0) <= old.poolWords && (need.beam ?? 0) <= old.beam) return;
    const grow = (key: keyof Sizes) => {
      const want = need[key] ?? 0;
      return want > old[key] ? Math.max(want, 2 * old[key]) : old[key];
    };
    this.relayout({ nodes: grow("nodes"), poolWords: grow("poolWords"), beam: grow("beam") });
  }

  private relayout(sizes: Sizes): void {
    const { nodes, poolWords, beam } = sizes;
    const lengths: Record<Region, number> = {
      NODES: nodes * this.nodeBytes,
      UPPER: nodes * 4,
      FLAGS: nodes,
      POOL: poolWords * 4,
      MASK: nodes,
      VISITED: nodes * 2,
      HEAP_A: (nodes + 1) * 8,
      HEAP_B: (beam + 1) * 8,
      SCRATCH: Math.max(beam, this.M0) * 8 + 8,
      OUT: (beam + 1) * 8,
      QUERY: this.stride * 4,
      BATCH: this.M0 * 4,
    };
    const offsets = new Map<Region, number>();
    let end = this.ctx + CONTEXT_BYTES;
    for (const r of REGIONS) {
      offsets.set(r, end);
      end += align16(lengths[r]);
    }
    if (end > 2 ** 31) {
      throw new ConfigError(`the index needs ${Math.ceil(end / 2 ** 20)} MiB for ${nodes} vectors of dimension ${this.shape.dimension}, over the 2 GiB one index can hold`, { field: "capacity" });
    }
    this.engine.grow(end);
    // Every region starts at or after where it was, so moving them last to first overwrites nothing unmoved.
    const bytes = this.u8;
    for (let i = KEPT - 1; i >= 0; i--) {
      const r = REGIONS[i];
      const from = this.offsets.get(r);
      if (from !== undefined) bytes.copyWithin(offsets.get(r)!, from, from + this.lengths.get(r)!);
    }
    this.offsets = offsets;
    this.lengths = new Map(REGIONS.map((r) => [r, lengths[r]]));
    this.sizes = sizes;
    for (const r of REGIONS) if (r !== "NODES") this.setWord(W[r], offsets.get(r)!);
    this.setWord(W.LINKS0, offsets.get("NODES")!);
    this.setWord(W.VECTORS, offsets.get("NODES")! + this.vectorOffset);
    bytes.fill(0, offsets.get("VISITED")!, offsets.get("VISITED")! + lengths.VISITED);
    this.setWord(W.EPOCH, 0);
  }

  private view() {
    const buffer = this.engine.buffer();
    if (this.views?.buffer !== buffer) {
      this.views = { buffer, i32: new Int32Array(buffer), f32: new Float32Array(buffer), u8: new Uint8Array(buffer) };
    }
    return this.views;
  }
}
