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
