import type { Clock } from "../core/clock.ts";
import type { SymbolId } from "../core/data.ts";
import { ConfigError, shown } from "../core/errors.ts";
import { toDecimal } from "../core/money.ts";
import type { OrderRequest } from "../core/orders.ts";
import type { Signal } from "../core/signal.ts";
import type { Storage } from "../core/storage.ts";
import { TtlCache } from "./cache.ts";
import type { HnswBackend } from "./layout.ts";
import type { Metadata, VectorId } from "./params.ts";
import { SITUATION_DIMENSION } from "./situation.ts";
import { VectorIndex, type MetadataFilter } from "./vector-index.ts";

/**
 * The agent's memory of past situations, in three collections over
 * situation vectors (src/memory/situation.ts): observations (what the
 * market looked like), signals (what a strategy said then) and decision
 * traces (situation, signal, order, and the outcome once known). Each is a
 * VectorIndex under l2 with its records as metadata, and answers similar()
 * through a session cache with a TTL on the injected clock; any change to a
 * collection makes its cached answers unreachable.
 *
 * Every similar() takes `asOf` (epoch ms) and only returns what was known
 * then: an observation or signal at or before asOf, a trace whose outcome
 * was known at or before asOf. A backtest passes the bar's time, so nothing
 * from its future leaks in.
 */
export interface CollectionOptions {
  /** The clock of the session cache (a backtest's TestClock, the wall clock live). */
  readonly clock: Clock;
  /** How long a similar() answer is reused, in ms; 0 turns the cache off. Default 60,000. */
  readonly cacheTtlMs?: number;
  /** Floats per situation vector. Default SITUATION_DIMENSION. */
  readonly dimension?: number;
  /** Where the graphs are computed (tsHnsw by default; a loaded WasmHnsw is faster). */
  readonly backend?: HnswBackend;
}

/** One answer of similar(): a stored record and its l2 distance (squared) from the situation asked about. */
export interface Similar<R> {
  readonly id: string;
  readonly distance: number;
  readonly record: R;
}

export interface Observation {
  readonly symbol: SymbolId;
  /** Epoch ms of the bar the situation was seen at. */
  readonly time: number;
  readonly situation: Float32Array;
  /** Anything else worth keeping (JSON). */
  readonly data?: Metadata;
}

export interface SignalRecord {
  readonly signal: Signal;
  readonly situation: Float32Array;
  /** The strategy that gave the signal. */
  readonly strategy?: string;
}

/** How a decision turned out over its holding period. */
export interface TraceOutcome {
  /** The position's return, as a decimal fraction (0.01 = 1%), signed so that a gain is positive whatever the side. */
  readonly return: number;
  /** Realized profit and loss in account currency, as a decimal string. */
  readonly pnl?: string;
  readonly note?: string;
}

/** What is known when a decision is taken. */
export interface DecisionInput {
  /** Default: `${symbol}@${time}`. */
  readonly id?: string;
  readonly situation: Float32Array;
  readonly signal: Signal;
  /** The order sent, if any; its quantities and prices are kept as decimal strings. */
  readonly order?: OrderRequest;
}

export interface DecisionTrace {
  readonly id: string;
  readonly symbol: SymbolId;
  /** Epoch ms of the decision: the signal's time. */
  readonly time: number;
  readonly situation: Float32Array;
  readonly signal: Signal;
  readonly order?: OrderRequest;
  /** Absent until resolve(). */
  readonly outcome?: TraceOutcome;
  /** Epoch ms from which the outcome was known; absent until resolve(). */
  readonly knownAt?: number;
}

/** One collection's index, cache and change counter. */
class Collection {
  index: VectorIndex;
  private readonly cache: TtlCache<{ id: VectorId; distance: number; metadata: Metadata | undefined }[]> | null;
  /** Bumped by every change, and part of every cache key. */
  private version = 0;

  constructor(options: CollectionOptions, index?: VectorIndex) {
    const ttl = options.cacheTtlMs ?? 60_000;
    if (!(ttl >= 0)) throw new ConfigError(`cacheTtlMs must be >= 0, got ${shown(ttl)}`, { field: "cacheTtlMs" });
    this.cache = ttl > 0 ? new TtlCache(options.clock, ttl) : null;
    this.index = index ?? new VectorIndex({ dimension: options.dimension ?? SITUATION_DIMENSION, metric: "l2", backend: options.backend });
  }

  put(id: string, situation: Float32Array, metadata: Metadata): void {
    this.index.add(id, situation, metadata);
    this.version++;
  }

  update(id: string, metadata: Metadata): void {
    this.index.setMetadata(id, metadata);
    this.version++;
  }

  /** The k nearest records passing `filter`; `filterKey` names the filter in the cache key. */
  similar(situation: Float32Array, k: number, filterKey: string, filter: MetadataFilter) {
    const search = () => this.index.search(situation, k, filter);
    if (this.cache === null) return search();
    return this.cache.get(`${this.version}|${k}|${filterKey}|${Array.from(situation).join(",")}`, search);
  }

  get cacheStats(): { hits: number; misses: number } {
    return { hits: this.cache?.hits ?? 0, misses: this.cache?.misses ?? 0 };
  }
}

const asOfFilter = (asOf: number, symbol?: SymbolId): MetadataFilter => (m) =>
  m !== undefined && (m.time as number) <= asOf && (symbol === undefined || m.symbol === symbol);

function checkTime(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ConfigError(`${field} must be epoch milliseconds, got ${shown(value)}`, { field });
  return value;
}

/** What every collection shows of itself: its index, size and cache figures. */
abstract class CollectionView {
  protected readonly c: Collection;

  constructor(options: CollectionOptions, index?: VectorIndex) {
    this.c = new Collection(options, index);
  }

  get size(): number {
    return this.c.index.size;
  }

  get index(): VectorIndex {
    return this.c.index;
  }

  get cacheStats(): { hits: number; misses: number } {
    return this.c.cacheStats;
  }
}

export class ObservationCollection extends CollectionView {

  /** Keeps an observation under `${symbol}@${time}` (replacing one seen at the same bar); returns that id. */
  add(o: Observation): string {
    checkTime("time", o.time);
    const id = `${o.symbol}@${o.time}`;
    this.c.put(id, o.situation, { symbol: o.symbol, time: o.time, ...(o.data ? { data: o.data } : {}) });
    return id;
  }

  /** The k observations nearest the situation among those made at or before asOf (of one symbol when given). */
  similar(situation: Float32Array, k: number, asOf: number, symbol?: SymbolId): Similar<Observation>[] {
    checkTime("asOf", asOf);
    return this.c.similar(situation, k, `${asOf}|${symbol ?? ""}`, asOfFilter(asOf, symbol)).map((h) => ({
      id: h.id as string, distance: h.distance, record: this.read(h.id as string, h.metadata!),
    }));
  }

  private read(id: string, m: Metadata): Observation {
    return { symbol: m.symbol as string, time: m.time as number, situation: this.c.index.vector(id)!, ...(m.data ? { data: m.data as Metadata } : {}) };
  }
}

export class SignalCollection extends CollectionView {

  /** Keeps a signal under `${strategy}:${symbol}@${time}`; returns that id. */
  add(r: SignalRecord): string {
    checkTime("signal.time", r.signal.time);
    const id = `${r.strategy ?? ""}:${r.signal.symbol}@${r.signal.time}`;
    this.c.put(id, r.situation, { symbol: r.signal.symbol, time: r.signal.time, signal: { ...r.signal }, ...(r.strategy ? { strategy: r.strategy } : {}) });
    return id;
  }

  /** The k signals given at or before asOf nearest the situation (of one symbol when given). */
  similar(situation: Float32Array, k: number, asOf: number, symbol?: SymbolId): Similar<SignalRecord>[] {
    checkTime("asOf", asOf);
    return this.c.similar(situation, k, `${asOf}|${symbol ?? ""}`, asOfFilter(asOf, symbol)).map((h) => {
      const m = h.metadata!;
      const record: SignalRecord = { signal: m.signal as Signal, situation: this.c.index.vector(h.id)!, ...(m.strategy ? { strategy: m.strategy as string } : {}) };
      return { id: h.id as string, distance: h.distance, record };
    });
  }
}

/**
 * Decision traces: record() when a decision is taken, resolve() when its
 * outcome is known, similar() for the past decisions nearest a situation
 * whose outcomes were known at a given time (walk-forward: a trace resolved
 * after asOf is invisible at asOf, however near).
 */
export class DecisionTraces extends CollectionView {

  /** Stores a decision; returns its id. An id already recorded is refused. */
  record(input: DecisionInput): string {
    const { signal } = input;
    checkTime("signal.time", signal.time);
    const id = input.id ?? `${signal.symbol}@${signal.time}`;
    if (this.c.index.has(id)) {
      throw new ConfigError(`decision trace ${shown(id)} is already recorded; give each decision at the same bar its own id`, { field: "id" });
    }
    this.c.put(id, input.situation, {
      symbol: signal.symbol, time: signal.time, signal: { ...signal }, ...(input.order ? { order: orderJson(input.order) } : {}),
    });
    return id;
  }

  /** Adds the outcome of a recorded decision, known from `knownAt` (not before the decision; once only). */
  resolve(id: string, outcome: TraceOutcome, knownAt: number): void {
    checkTime("knownAt", knownAt);
    const m = this.c.index.metadata(id);
    if (m === undefined) throw new ConfigError(`no decision trace ${shown(id)}`, { field: "id" });
    if (m.knownAt !== undefined) throw new ConfigError(`decision trace ${shown(id)} was already resolved (known at ${m.knownAt})`, { field: "id" });
    if (knownAt < (m.time as number)) {
      throw new ConfigError(`knownAt ${knownAt} is before the decision at ${m.time}: an outcome cannot be known before it`, { field: "knownAt" });
    }
    if (!Number.isFinite(outcome.return)) throw new ConfigError(`outcome.return must be a finite number, got ${shown(outcome.return)}`, { field: "outcome.return" });
    const pnl = outcome.pnl === undefined ? {} : { pnl: toDecimal(outcome.pnl, "outcome.pnl").toString() };
    this.c.update(id, { ...m, outcome: { return: outcome.return, ...pnl, ...(outcome.note ? { note: outcome.note } : {}) }, knownAt });
  }

  /** The k traces nearest the situation whose outcomes were known at or before asOf, nearest first. */
  similar(situation: Float32Array, k: number, asOf: number): Similar<DecisionTrace>[] {
    checkTime("asOf", asOf);
    const known: MetadataFilter = (m) => m !== undefined && m.knownAt !== undefined && (m.knownAt as number) <= asOf;
    return this.c.similar(situation, k, `${asOf}`, known).map((h) => ({ id: h.id as string, distance: h.distance, record: this.read(h.id as string, h.metadata!) }));
  }

  get(id: string): DecisionTrace | undefined {
    const m = this.c.index.metadata(id);
    return m === undefined ? undefined : this.read(id, m);
  }

  /** Traces still waiting for their outcome, oldest first. */
  unresolved(): DecisionTrace[] {
    const out: DecisionTrace[] = [];
    for (const { id, metadata } of this.c.index.entries()) if (metadata!.knownAt === undefined) out.push(this.read(id as string, metadata!));
    return out.sort((a, b) => a.time - b.time);
  }

  private read(id: string, m: Metadata): DecisionTrace {
    return {
      id, symbol: m.symbol as string, time: m.time as number, situation: this.c.index.vector(id)!, signal: m.signal as Signal,
      ...(m.order ? { order: m.order as OrderRequest } : {}),
      ...(m.outcome ? { outcome: m.outcome as TraceOutcome, knownAt: m.knownAt as number } : {}),
    };
  }
}

/** An order request as JSON: decimal values as their strings. */
function orderJson(o: OrderRequest): Metadata {
  const decimals = { quantity: o.quantity, limitPrice: o.limitPrice, stopPrice: o.stopPrice };
  const out: Metadata = { ...o };
  for (const [field, value] of Object.entries(decimals)) if (value !== undefined) out[field] = toDecimal(value, `order.${field}`).toString();
  return out;
}

const FILES = { observations: "observations.ntvx", signals: "signals.ntvx", traces: "traces.ntvx" } as const;

/** The three collections together, saved as three index files in one folder of a Storage. */
export class AgentMemory {
  readonly observations: ObservationCollection;
  readonly signals: SignalCollection;
  readonly traces: DecisionTraces;

  constructor(options: CollectionOptions, indexes: { observations?: VectorIndex; signals?: VectorIndex; traces?: VectorIndex } = {}) {
    this.observations = new ObservationCollection(options, indexes.observations);
    this.signals = new SignalCollection(options, indexes.signals);
    this.traces = new DecisionTraces(options, indexes.traces);
  }

  saveTo(storage: Pick<Storage, "write">, dir: string): void {
    this.observations.index.saveTo(storage, `${dir}/${FILES.observations}`);
    this.signals.index.saveTo(storage, `${dir}/${FILES.signals}`);
    this.traces.index.saveTo(storage, `${dir}/${FILES.traces}`);
  }

  /** The memory saved in dir; a collection with no file starts empty. */
  static loadFrom(storage: Pick<Storage, "read">, dir: string, options: CollectionOptions): AgentMemory {
    const load = (file: string) => {
      const bytes = storage.read(`${dir}/${file}`);
      return bytes === null ? undefined : VectorIndex.load(bytes, { backend: options.backend, source: `${dir}/${file}` });
    };
    return new AgentMemory(options, { observations: load(FILES.observations), signals: load(FILES.signals), traces: load(FILES.traces) });
  }
}
