import { ConfigError, shown } from "../core/errors.ts";
import { Random } from "../core/random.ts";
import { checkSetting } from "../core/settings.ts";
import type { Storage } from "../core/storage.ts";
import { decodeIndex, encodeIndex, type IndexSnapshot } from "./file-format.ts";
import { tsHnsw } from "./hnsw-twin.ts";
import { DELETED, GraphMemory, W, type HnswBackend } from "./layout.ts";
import {
  DIMENSION_SETTING, EF_CONSTRUCTION_SETTING, EF_SEARCH_SETTING, K_SETTING, M_SETTING, METRICS, SEED_SETTING,
  type Metadata, type Metric, type VectorId,
} from "./params.ts";

/**
 * Which vectors a search may return: a predicate, or an object whose every
 * key must equal (===) the metadata's value under that key.
 */
export type MetadataFilter =
  | ((metadata: Metadata | undefined, id: VectorId) => boolean)
  | Readonly<Record<string, string | number | boolean | null>>;

export interface SearchHit {
  readonly id: VectorId;
  /**
   * l2: squared Euclidean distance; cosine: 1 - cosine similarity; ip:
   * 1 - dot product (hnswlib's conventions). Computed in float32.
   */
  readonly distance: number;
  readonly metadata: Metadata | undefined;
}

export interface VectorIndexOptions {
  readonly dimension: number;
  readonly metric: Metric;
  /** Links per node on the upper levels (twice that on level 0). Default 16. */
  readonly M?: number;
  /** Beam width while inserting. Default 200. */
  readonly efConstruction?: number;
  /** Beam width while searching (at least k is used). Default 100; settable later. */
  readonly efSearch?: number;
  /** Seeds the level draws: the same adds in the same order give the same graph. Default 42. */
  readonly seed?: number;
  /** Where the graph is computed: `tsHnsw` (default) or a loaded `WasmHnsw`. */
  readonly backend?: HnswBackend;
}

/**
 * Tombstones are compacted away once they are more than this share of the
 * stored vectors: remove() then rebuilds the graph from the live vectors
 * (each re-linked as by add, with the level it had), so a removal can cost
 * as much as re-adding what is left.
 */
export const REBUILD_RATIO = 0.25;

/** Below this many stored vectors tombstones are never compacted (a rebuild would save nothing). */
const REBUILD_MIN = 64;

/**
 * A filter that lets at most this share of the vectors through is searched
 * exactly over the vectors it allows; a wider one by the graph with the
 * filter applied while walking it.
 */
const EXACT_FILTER_SHARE = 1 / 8;

/**
 * Approximate nearest-neighbour search over float32 vectors with an HNSW
 * graph (Malkov and Yashunin; hnswlib's search and neighbour heuristic).
 * remove() leaves a tombstone: the graph still routes through it, searches
 * never return it, and past REBUILD_RATIO the graph is rebuilt without
 * them. Cosine stores unit vectors (normalized on add). Not reentrant: one
 * index serves one thread.
 */
export class VectorIndex {
  readonly dimension: number;
  readonly metric: Metric;
  readonly M: number;
  readonly efConstruction: number;
  readonly seed: number;
  readonly backend: HnswBackend;
  private ef: number;
  private graph: GraphMemory;
  private ids: VectorId[] = [];
  private meta: (Metadata | undefined)[] = [];
  private levels: number[] = [];
  private slots = new Map<VectorId, number>();
  private poolUsed = 0;
  private deleted = 0;
  private rng: Random;
  /** prepare()'s output: allocating it per query cost more than a small search. */
  private readonly staged: Float32Array;
  /** Levels drawn so far: where the seeded stream stands (saved, so a loaded index draws on from there). */
  private draws = 0;

  constructor(options: VectorIndexOptions) {
    const { dimension, metric } = options;
    this.dimension = checkSetting(DIMENSION_SETTING, dimension, "dimension") as number;
    if (!METRICS.includes(metric)) throw new ConfigError(`metric must be one of ${METRICS.join(", ")}, got ${shown(metric)}`, { field: "metric" });
    this.metric = metric;
    this.M = checkSetting(M_SETTING, options.M ?? M_SETTING.default, "M") as number;
    this.efConstruction = checkSetting(EF_CONSTRUCTION_SETTING, options.efConstruction ?? EF_CONSTRUCTION_SETTING.default, "efConstruction") as number;
    this.ef = checkSetting(EF_SEARCH_SETTING, options.efSearch ?? EF_SEARCH_SETTING.default, "efSearch") as number;
    this.seed = checkSetting(SEED_SETTING, options.seed ?? SEED_SETTING.default, "seed") as number;
    this.backend = options.backend ?? tsHnsw;
    this.rng = new Random(this.seed);
    this.graph = this.newGraph();
    this.staged = new Float32Array(this.graph.stride);
  }

  /** Live vectors (tombstones excluded). */
  get size(): number {
    return this.slots.size;
  }

  get efSearch(): number {
    return this.ef;
  }

  set efSearch(ef: number) {
    this.ef = checkSetting(EF_SEARCH_SETTING, ef, "efSearch") as number;
  }

  has(id: VectorId): boolean {
    return this.slots.has(id);
  }

  /** Adds a vector, replacing the one stored under the same id. */
  add(id: VectorId, vector: ArrayLike<number>, metadata?: Metadata): void {
    checkId(id);
    checkMetadata(metadata, id);
    const values = this.prepare(vector, "vector");
    if (this.slots.has(id)) this.remove(id);
    const level = Math.floor(-Math.log(1 - this.rng.uniform()) / Math.log(this.M));
    this.draws++;
    this.store(values, level);
    const slot = this.ids.length;
    this.ids.push(id);
    this.meta.push(metadata);
    this.slots.set(id, slot);
  }

  /** Removes a vector; false when there was none under that id. */
  remove(id: VectorId): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    this.graph.u8[this.graph.at("FLAGS") + slot] = DELETED;
    this.slots.delete(id);
    this.meta[slot] = undefined;
    this.deleted++;
    if (this.ids.length >= REBUILD_MIN && this.deleted > REBUILD_RATIO * this.ids.length) this.compact();
    return true;
  }

  /** Replaces the metadata stored with a vector (a decision trace's outcome, say). */
  setMetadata(id: VectorId, metadata: Metadata | undefined): void {
    checkMetadata(metadata, id);
    const slot = this.slots.get(id);
    if (slot === undefined) throw new ConfigError(`no vector with id ${shown(id)}`, { field: "id" });
    this.meta[slot] = metadata;
  }

  /** The vector stored under id (cosine: its unit vector), or undefined. */
  vector(id: VectorId): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.vectorAt(slot);
  }

  metadata(id: VectorId): Metadata | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.meta[slot];
  }

  /**
   * The k nearest live vectors, nearest first, found through the graph with
   * a beam of max(efSearch, k). With a filter, the beam's answers are
   * filtered first; when fewer than k pass, the filter is applied to every
   * vector and the search repeated with it (exactly when it lets through at
   * most 1/8 of them), so k results come back whenever k vectors match.
   */
  search(vector: ArrayLike<number>, k: number, filter?: MetadataFilter): SearchHit[] {
    checkSetting(K_SETTING, k, "k");
    const ef = Math.max(this.ef, k);
    this.setQuery(vector, ef);
    if (filter === undefined) return this.run(k, ef, "graph", false);
    const allows = filterFunction(filter);
    const hits = this.run(ef, ef, "graph", false).filter((h) => allows(h.metadata, h.id));
    if (hits.length >= k) return hits.slice(0, k);
    const matching = this.applyMask(allows);
    if (matching <= EXACT_FILTER_SHARE * this.size) return this.run(k, ef, "exact", true);
    const found = this.run(k, ef, "graph", true);
    return found.length >= Math.min(k, matching) ? found : this.run(k, ef, "exact", true);
  }

  /** The k nearest live vectors by brute force (the reference for recall). */
  exactSearch(vector: ArrayLike<number>, k: number, filter?: MetadataFilter): SearchHit[] {
    checkSetting(K_SETTING, k, "k");
    this.setQuery(vector, k);
    if (filter === undefined) return this.run(k, k, "exact", false);
    this.applyMask(filterFunction(filter));
    return this.run(k, k, "exact", true);
  }

  /** Every live vector with its id and metadata, in the order added (cosine: the unit vectors stored). */
  *entries(): IterableIterator<{ id: VectorId; vector: Float32Array; metadata: Metadata | undefined }> {
    for (const [id, slot] of [...this.slots].sort((a, b) => a[1] - b[1])) {
      yield { id, vector: this.vectorAt(slot), metadata: this.meta[slot] };
    }
  }

  /** Counts for `nt memory stats` and the tests. */
  stats(): IndexStats {
    const nodesPerLevel: number[] = [];
    for (const slot of this.slots.values()) {
      for (let l = 0; l <= this.levels[slot]; l++) nodesPerLevel[l] = (nodesPerLevel[l] ?? 0) + 1;
    }
    const i32 = this.graph.i32;
    let degree = 0;
    for (const slot of this.slots.values()) degree += i32[this.graph.links0Index(slot)];
    return {
      size: this.size, deleted: this.deleted, dimension: this.dimension, metric: this.metric, M: this.M,
      efConstruction: this.efConstruction, efSearch: this.ef, seed: this.seed, backend: this.backend.name,
      maxLevel: this.graph.word(W.MAX_LEVEL), nodesPerLevel: Array.from(nodesPerLevel, (n) => n ?? 0),
      meanDegree0: this.size === 0 ? 0 : degree / this.size,
      memoryBytes: this.graph.engine.buffer().byteLength,
    };
  }

  /** The index as a file (the format is in src/memory/file-format.ts). */
  save(): Uint8Array {
    return encodeIndex(this.snapshot());
  }

  /** An index from save()'s bytes; a damaged or foreign file is an IndexFileError naming what is wrong. */
  static load(bytes: Uint8Array, options: { backend?: HnswBackend; source?: string } = {}): VectorIndex {
    return VectorIndex.restore(decodeIndex(bytes, options.source), options.backend);
  }

  /** Writes the index to storage under `name` (replacing it atomically). */
  saveTo(storage: Pick<Storage, "write">, name: string): void {
    storage.write(name, this.save());
  }

  /** The index saved under `name`; a ConfigError when there is none. */
  static loadFrom(storage: Pick<Storage, "read">, name: string, options: { backend?: HnswBackend } = {}): VectorIndex {
    const bytes = storage.read(name);
    if (bytes === null) throw new ConfigError(`no vector index saved as ${shown(name)}`, { source: name });
    return VectorIndex.load(bytes, { ...options, source: name });
  }

  private newGraph(): GraphMemory {
    return new GraphMemory(this.backend.create(), {
      dimension: this.dimension, metric: this.metric === "l2" ? 0 : 1, M: this.M, efConstruction: this.efConstruction,
    });
  }

  /**
   * The vector as stored, in a buffer reused by every call: float32, padded
   * with zeros to the stride; cosine normalized. Refuses a wrong length or a
   * non-finite value.
   */
  private prepare(vector: ArrayLike<number>, field: string): Float32Array {
    if (vector === null || typeof vector !== "object" || typeof vector.length !== "number") {
      throw new ConfigError(`${field} must be an array of ${this.dimension} numbers, got ${shown(vector)}`, { field });
    }
    if (vector.length !== this.dimension) {
      throw new ConfigError(`${field} has ${vector.length} values; this index holds vectors of dimension ${this.dimension}`, { field });
    }
    const out = this.staged;
    let norm = 0;
    for (let i = 0; i < this.dimension; i++) {
      const v = vector[i];
      if (typeof v !== "number" || !Number.isFinite(v) || !Number.isFinite(Math.fround(v))) {
        throw new ConfigError(`${field}[${i}] must be a finite float32 number, got ${shown(v)}`, { field: `${field}[${i}]` });
      }
      out[i] = v;
      norm += v * v;
    }
    if (this.metric === "cosine") {
      if (norm === 0) throw new ConfigError(`${field} is all zeros; cosine distance needs a direction`, { field });
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < this.dimension; i++) out[i] = vector[i] * scale;
    }
    return out;
  }

  /** Writes a prepared vector into a new slot with empty link lists and links it in. */
  private store(values: Float32Array, level: number): void {
    const g = this.graph;
    const slot = g.word(W.COUNT);
    const words = level * (1 + this.M);
    g.ensure({ nodes: slot + 1, poolWords: this.poolUsed + words });
    // The node's block and pool lists are cleared whole: memory a relayout left behind may hold anything.
    const i32 = g.i32;
    i32.fill(0, g.links0Index(slot), g.links0Index(slot) + g.nodeBytes / 4);
    g.f32.set(values, g.vectorIndex(slot));
    i32[(g.at("UPPER") >> 2) + slot] = level > 0 ? this.poolUsed : -1;
    i32.fill(0, (g.at("POOL") >> 2) + this.poolUsed, (g.at("POOL") >> 2) + this.poolUsed + words);
    g.u8[g.at("FLAGS") + slot] = 0;
    this.poolUsed += words;
    this.levels.push(level);
    g.setWord(W.COUNT, slot + 1);
    g.engine.insert(g.ctx, slot, level);
  }

  /** Rebuilds the graph from the live vectors, in the order they were added, each at its level. */
  private compact(): void {
    const live = [...this.slots.values()].sort((a, b) => a - b);
    const vectors = live.map((slot) => this.storedVector(slot));
    const ids = live.map((slot) => this.ids[slot]);
    const meta = live.map((slot) => this.meta[slot]);
    const levels = live.map((slot) => this.levels[slot]);
    this.graph = this.newGraph();
    this.ids = ids;
    this.meta = meta;
    this.levels = [];
    this.slots = new Map(ids.map((id, slot) => [id, slot]));
    this.poolUsed = 0;
    this.deleted = 0;
    vectors.forEach((v, slot) => this.store(v, levels[slot]));
  }

  /** A slot's stored floats with their padding. */
  private storedVector(slot: number): Float32Array {
    const start = this.graph.vectorIndex(slot);
    return this.graph.f32.slice(start, start + this.graph.stride);
  }

  private vectorAt(slot: number): Float32Array {
    return this.storedVector(slot).slice(0, this.dimension);
  }

  /** Writes the query for the searches to come, after making room for their beam (which may move the query's region). */
  private setQuery(vector: ArrayLike<number>, beam: number): void {
    const q = this.prepare(vector, "query");
    this.graph.ensure({ beam });
    this.graph.f32.set(q, this.graph.at("QUERY") >> 2);
  }

  /** Marks what the filter allows in MASK; returns how many live vectors it allows. */
  private applyMask(allows: (metadata: Metadata | undefined, id: VectorId) => boolean): number {
    const g = this.graph;
    const mask = g.at("MASK");
    const u8 = g.u8;
    u8.fill(0, mask, mask + this.ids.length);
    let n = 0;
    for (const [id, slot] of this.slots) {
      if (allows(this.meta[slot], id)) {
        u8[mask + slot] = 1;
        n++;
      }
    }
    return n;
  }

  private run(k: number, ef: number, how: "graph" | "exact", useMask: boolean): SearchHit[] {
    const g = this.graph;
    const n = how === "graph" ? g.engine.search(g.ctx, k, ef, useMask) : g.engine.exact(g.ctx, k, useMask);
    const out = g.at("OUT") >> 2;
    const f32 = g.f32;
    const i32 = g.i32;
    const hits: SearchHit[] = [];
    for (let i = 0; i < n; i++) {
      const slot = i32[out + 2 * i + 1];
      hits.push({ id: this.ids[slot], distance: f32[out + 2 * i], metadata: this.meta[slot] });
    }
    return hits;
  }

  private snapshot(): IndexSnapshot {
    const g = this.graph;
    const count = this.ids.length;
    const vectors = new Float32Array(count * this.dimension);
    for (let slot = 0; slot < count; slot++) vectors.set(this.vectorAt(slot), slot * this.dimension);
    const words = 1 + g.M0;
    const links0 = new Int32Array(count * words);
    for (let slot = 0; slot < count; slot++) links0.set(g.i32.subarray(g.links0Index(slot), g.links0Index(slot) + words), slot * words);
    return {
      metric: this.metric, dimension: this.dimension, M: this.M, efConstruction: this.efConstruction, efSearch: this.ef,
      seed: this.seed, draws: this.draws, entry: g.word(W.ENTRY), maxLevel: g.word(W.MAX_LEVEL),
      vectors,
      levels: Int32Array.from(this.levels),
      links0,
      upper: g.i32.slice(g.at("UPPER") >> 2, (g.at("UPPER") >> 2) + count),
      pool: g.i32.slice(g.at("POOL") >> 2, (g.at("POOL") >> 2) + this.poolUsed),
      deleted: g.u8.slice(g.at("FLAGS"), g.at("FLAGS") + count),
      ids: this.ids,
      metadata: this.meta,
    };
  }

  private static restore(s: IndexSnapshot, backend?: HnswBackend): VectorIndex {
    const index = new VectorIndex({
      dimension: s.dimension, metric: s.metric, M: s.M, efConstruction: s.efConstruction, efSearch: s.efSearch, seed: s.seed, backend,
    });
    const count = s.ids.length;
    const g = index.graph;
    g.ensure({ nodes: count, poolWords: s.pool.length });
    const f32 = g.f32;
    const i32 = g.i32;
    const u8 = g.u8;
    const words = 1 + g.M0;
    for (let slot = 0; slot < count; slot++) {
      const v = g.vectorIndex(slot);
      f32.fill(0, v, v + g.stride);
      f32.set(s.vectors.subarray(slot * s.dimension, (slot + 1) * s.dimension), v);
      i32.set(s.links0.subarray(slot * words, (slot + 1) * words), g.links0Index(slot));
    }
    i32.set(s.upper, g.at("UPPER") >> 2);
    i32.set(s.pool, g.at("POOL") >> 2);
    u8.set(s.deleted, g.at("FLAGS"));
    g.setWord(W.COUNT, count);
    g.setWord(W.ENTRY, s.entry);
    g.setWord(W.MAX_LEVEL, s.maxLevel);
    index.ids = [...s.ids];
    index.meta = [...s.metadata];
    index.levels = [...s.levels];
    index.poolUsed = s.pool.length;
    for (let slot = 0; slot < count; slot++) {
      if (s.deleted[slot] === 0) index.slots.set(s.ids[slot], slot);
      else index.deleted++;
    }
    for (; index.draws < s.draws; index.draws++) index.rng.uniform();
    return index;
  }
}

export interface IndexStats {
  readonly size: number;
  readonly deleted: number;
  readonly dimension: number;
  readonly metric: Metric;
  readonly M: number;
  readonly efConstruction: number;
  readonly efSearch: number;
  readonly seed: number;
  readonly backend: string;
  /** The top level of the graph, -1 when empty. */
  readonly maxLevel: number;
  /** Live vectors present on each level (all are on level 0). */
  readonly nodesPerLevel: readonly number[];
  /** Mean number of level-0 links of a live vector. */
  readonly meanDegree0: number;
  /** Bytes of the memory the graph is computed in (the module's memory for the wasm backend). */
  readonly memoryBytes: number;
}

function checkId(id: unknown): asserts id is VectorId {
  if (typeof id === "string" || (typeof id === "number" && Number.isFinite(id))) return;
  throw new ConfigError(`id must be a string or a finite number, got ${shown(id)}`, { field: "id" });
}

function checkMetadata(metadata: unknown, id: VectorId): void {
  if (metadata === undefined || (typeof metadata === "object" && metadata !== null && !Array.isArray(metadata))) return;
  throw new ConfigError(`metadata of ${shown(id)} must be an object, got ${shown(metadata)}`, { field: "metadata" });
}

function filterFunction(filter: MetadataFilter): (metadata: Metadata | undefined, id: VectorId) => boolean {
  if (typeof filter === "function") return filter;
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new ConfigError(`filter must be a function or an object of values to match, got ${shown(filter)}`, { field: "filter" });
  }
  const wanted = Object.entries(filter);
  return (metadata) => metadata !== undefined && wanted.every(([key, value]) => metadata[key] === value);
}
