import { TestClock } from "../core/clock.ts";
import type { Bar } from "../core/data.ts";
import { shown, shownKey, StrategyError } from "../core/errors.ts";
import { checkSetting, type SettingSpec } from "../core/settings.ts";
import type { DroppedSignal, Signal } from "../core/signal.ts";
import { DecisionTraces, type Similar, type DecisionTrace } from "../memory/collections.ts";
import { SITUATION_BARS, situationEmbedding } from "../memory/situation.ts";
import type { Strategy, StrategyContext } from "../strategies/strategy.ts";

/** The memory filter's settings as a request gives them (`memory: {...}`, `--memory`); absent ones take their defaults. */
export interface MemorySpec {
  readonly k?: number;
  readonly holding?: number;
  readonly minTraces?: number;
  readonly minEdge?: number;
}

/** The settings of the memory filter, declared once for the check, the CLI's flags and the API's schema. */
export const MEMORY_SETTINGS = [
  { name: "k", type: "integer", default: 10, min: 1, max: 1000, description: "past decisions (nearest situations) a new signal is judged by" },
  { name: "holding", type: "integer", default: 10, min: 1, max: 100_000, description: "bars after a decision at whose close its outcome is measured and becomes known" },
  {
    name: "minTraces", type: "integer", default: 20, min: 1, max: 100_000,
    description: "decisions whose outcome must be known before the filter judges at all (until then signals pass unchanged)",
  },
  {
    name: "minEdge", type: "number", default: 0, min: -1, max: 1,
    description: "veto a long or short when the neighbours' mean outcome (a fraction, 0.01 = 1%) is below this",
  },
] as const satisfies readonly SettingSpec[];

/** What the memory filter does, for the API's schema and the page's form. */
export const MEMORY_DESCRIPTION = "the memory filter around the strategy or combination ({} for the defaults): each long or short is judged by the k nearest past " +
  "decisions in similar situations whose outcome was known by then; vetoed (listed in droppedSignals, reason memory) when their mean outcome " +
  "is below minEdge, else passed with its confidence times their win rate";

type MemoryName = (typeof MEMORY_SETTINGS)[number]["name"];
export type MemorySettings = Readonly<Record<MemoryName, number>>;

/** A request's `memory` checked; errors name memory.k, memory.holding, .... */
export function checkMemory(value: unknown): MemorySpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new StrategyError(`memory must be an object of settings such as {"k": 10} ({} for the defaults), got ${shown(value)}`, { field: "memory" });
  }
  const known: readonly string[] = MEMORY_SETTINGS.map((s) => s.name);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new StrategyError(`memory.${shownKey(key)} is not a known setting; expected one of ${known.join(", ")}`, { field: `memory.${shownKey(key)}` });
  }
  const out: { -readonly [K in keyof MemorySpec]: MemorySpec[K] } = {};
  for (const spec of MEMORY_SETTINGS) {
    const v = (value as Record<string, unknown>)[spec.name];
    if (v !== undefined) out[spec.name] = checkSetting(spec, v, `memory.${spec.name}`, { error: StrategyError }) as number;
  }
  return out;
}

/** Every setting, the given ones over the defaults. */
export function memorySettings(spec: MemorySpec): MemorySettings {
  return Object.fromEntries(MEMORY_SETTINGS.map((s) => [s.name, spec[s.name] ?? s.default])) as MemorySettings;
}

/** A decision waiting for its outcome: resolved at the close of bar `due` (this filter's bar count). */
interface Pending {
  readonly id: string;
  readonly due: number;
  readonly close: number;
  /** +1 long, -1 short. */
  readonly side: number;
}

/** What the neighbours of a new signal say, each outcome turned to the new signal's side. */
interface Verdict {
  readonly neighbours: number;
  readonly meanOutcome: number;
  readonly winRate: number;
}

/**
 * Reflexion: a strategy (or a combination) whose long and short signals are
 * judged against the memory of past decisions in similar situations.
 *
 * On each bar, first the decisions taken `holding` bars ago are resolved at
 * this close: outcome = side × (close now / close at the decision − 1), with
 * side +1 long, −1 short, known from this bar's time. Then the inner strategy
 * runs. A flat signal passes as it is. For a long or short, once the history
 * holds SITUATION_BARS bars, the situation (situationEmbedding of ctx.history)
 * is looked up in the decision traces as of this bar's time: only decisions
 * whose outcome was known by now (DecisionTraces.similar's walk-forward
 * filter), so nothing from the future is used.
 *
 * - Fewer than `minTraces` known decisions: the signal passes unchanged.
 * - Otherwise the `k` nearest are its neighbours. Each neighbour's outcome is
 *   turned to the new signal's side (a short that gained means a long would
 *   have lost: outcome × its side × the new side). With `mean` their mean and
 *   `winRate` the share above 0:
 *   - mean < minEdge: vetoed. No new position is opened; a position held on
 *     the other side is still closed (a flat signal: exits are never vetoed).
 *     The veto is listed in `dropped` with reason "memory" and the figures.
 *   - else it passes with confidence × winRate (the size factor is left as
 *     the strategy set it, so sizes are the strategy's own).
 *
 * Every long and short with a situation is recorded as a decision trace
 * (situation and signal; the order is sized later by the engine and is not
 * part of it), vetoed ones too: their outcome is what taking them would have
 * given, so the memory learns from what it refused.
 */
export class MemoryFilter implements Strategy {
  readonly name: string;
  /** The decisions this filter has recorded, with their outcomes once known. */
  readonly traces: DecisionTraces;
  private readonly vetoes: DroppedSignal[] = [];
  private readonly pending: Pending[] = [];
  private bar = -1;

  /**
   * `traces`: a memory that may already hold decisions (an earlier run's, loaded
   * from a file); it is asked as of each bar's time like the filter's own, so
   * an outcome it knows only from later is not used before then. Default: empty.
   */
  constructor(private readonly inner: Strategy, private readonly settings: MemorySettings, traces?: DecisionTraces) {
    this.name = `memory(${inner.name})`;
    // Each query asks as of a new bar time, so a cache would never be hit: it is off, and its clock unused.
    this.traces = traces ?? new DecisionTraces({ clock: new TestClock(), cacheTtlMs: 0 });
  }

  /** The inner strategy's dropped signals (a combination's) and this filter's vetoes, by time. */
  get dropped(): readonly DroppedSignal[] {
    const inner = this.inner.dropped ?? [];
    // Stable: each list keeps its own order among equal times.
    return inner.length === 0 ? this.vetoes : [...inner, ...this.vetoes].sort((a, b) => a.time - b.time);
  }

  onBar(bar: Bar, ctx: StrategyContext): Signal | null {
    this.bar++;
    this.resolveDue(bar);
    const signal = this.inner.onBar(bar, ctx);
    if (signal === null || signal.direction === "flat" || ctx.history.length < SITUATION_BARS) return signal;
    const situation = situationEmbedding(ctx.history);
    const side = signal.direction === "long" ? 1 : -1;
    const verdict = this.judge(situation, side, bar.time);
    const id = this.traces.record({ situation, signal });
    this.pending.push({ id, due: this.bar + this.settings.holding, close: bar.close, side });
    if (verdict === null) return signal;
    const figures = `${verdict.neighbours} neighbours: mean outcome ${percent(verdict.meanOutcome)}, win rate ${percent(verdict.winRate, false)}`;
    if (verdict.meanOutcome < this.settings.minEdge) {
      this.vetoes.push({
        time: bar.time, symbol: signal.symbol, strategy: this.inner.name, direction: signal.direction, confidence: signal.confidence,
        signalTime: signal.time, reason: "memory", detail: `${figures}; below the min edge ${percent(this.settings.minEdge)}`,
      });
      const held = Math.sign(ctx.position);
      if (held !== -side) return null;
      return { symbol: signal.symbol, time: signal.time, direction: "flat", confidence: signal.confidence, reason: `memory vetoed ${signal.direction} (${figures}): exit only` };
    }
    return { ...signal, confidence: signal.confidence * verdict.winRate, reason: `${signal.reason} · memory: ${figures}` };
  }

  /** Resolves the decisions due at this bar, at its close, known from its time. */
  private resolveDue(bar: Bar): void {
    // Decisions are pushed in bar order with the same holding, so the due ones are at the front.
    while (this.pending.length > 0 && this.pending[0].due <= this.bar) {
      const p = this.pending.shift()!;
      this.traces.resolve(p.id, { return: p.side * (bar.close / p.close - 1) }, bar.time);
    }
  }

  /** The neighbours' verdict on a signal of `side`, or null while fewer than minTraces outcomes are known. */
  private judge(situation: Float32Array, side: number, asOf: number): Verdict | null {
    const { k, minTraces } = this.settings;
    const known = this.traces.similar(situation, Math.max(k, minTraces), asOf);
    if (known.length < minTraces) return null;
    const outcomes = known.slice(0, k).map((n) => asSide(n, side));
    return {
      neighbours: outcomes.length,
      meanOutcome: outcomes.reduce((a, b) => a + b, 0) / outcomes.length,
      winRate: outcomes.filter((o) => o > 0).length / outcomes.length,
    };
  }
}

/** A neighbour's outcome as a position on `side` would have had it. */
function asSide(n: Similar<DecisionTrace>, side: number): number {
  const own = n.record.signal.direction === "long" ? 1 : -1;
  return n.record.outcome!.return * own * side;
}

/** 0.0123 as "+1.23%" (signed) or "1.23%". */
function percent(x: number, signed = true): string {
  return `${signed && x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
}
