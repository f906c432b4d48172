import type { SymbolId } from "./data.ts";

/** What a strategy wants: the target side for a symbol, with how sure it is and why. */
export type Direction = "long" | "short" | "flat";

export interface Signal {
  readonly symbol: SymbolId;
  /** Epoch ms of the bar that produced the signal. */
  readonly time: number;
  readonly direction: Direction;
  /** 0..1. */
  readonly confidence: number;
  /**
   * Multiplies the size of the position this signal opens (the fixed
   * fraction's or the sizer's), in [0, 1]; absent means 1. Strategies that
   * size by their confidence set it (neural-forecast); the others only pick a side.
   */
  readonly sizeFactor?: number;
  /** Human-readable cause, carried into orders and the trade list. */
  readonly reason: string;
}

/** Why the signal layer (src/signals) did not act on a signal: a combination's rules, or the memory filter's veto. */
export type DropReason = "threshold" | "conflict" | "duplicate" | "expired" | "overridden" | "memory";

/** A strategy's signal that a combination of strategies or the memory filter dropped, and why: the report lists every one. */
export interface DroppedSignal {
  /** Epoch ms of the bar at which it was dropped. */
  readonly time: number;
  readonly symbol: SymbolId;
  /** The member strategy that emitted it. */
  readonly strategy: string;
  readonly direction: Direction;
  readonly confidence: number;
  /** Epoch ms of the bar that produced it (the same as `time` unless it was dropped later: expired, outvoted). */
  readonly signalTime: number;
  readonly reason: DropReason;
  /** The figures behind the reason, e.g. "confidence 0.12 below 0.30". */
  readonly detail: string;
}

/**
 * A reason as one flat string, for tagging a template literal:
 * reasonText`SMA(${fast}) above SMA(${slow})`. A reason is kept with every
 * order and trade of a run, and an untagged template literal leaves it in
 * V8 as a tree of joined pieces (cons strings) that each garbage collection
 * copies and walks piece by piece: with thousands of trades that showed up
 * as about a tenth of a backtest. Array.prototype.join writes one string;
 * the text is the same (values are converted by String, as a template does).
 */
export function reasonText(strings: TemplateStringsArray, ...values: unknown[]): string {
  const parts: string[] = [strings[0]];
  for (let i = 0; i < values.length; i++) parts.push(String(values[i]), strings[i + 1]);
  return parts.join("");
}
