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
  /** Human-readable cause, carried into orders and the trade list. */
  readonly reason: string;
}
