import type { EquityMoments } from "../stats.ts";
import type { CscvScorer } from "../guards.ts";

// The vectorized fast path's kernels as the engine drives them, whichever
// implementation runs them: build/research.wasm (src/kernels/research.ts) or
// the TypeScript twin (twin.ts). A session holds one series and the arrays
// computed from it, so a sweep computes each indicator once per series and
// each run costs one signal pass and one simulation pass.

/** An array held by a session (in the module's memory for the kernels). */
export type Handle = number;

/** Status of a simulation (assembly/research/simulate.ts). */
export const SIM_OK = 0;
export const SIM_OVERFLOW = 1;
export const SIM_EVENTS_FULL = 2;
export const SIM_UNSUPPORTED = 3;

/** Event kinds and the layout of one event record (12 float64). */
export const EV_FILL = 1;
export const EV_DENIED_CASH = 2;
export const EV_DENIED_SHORT = 3;
export const EV_REJECTED_AT_FILL = 4;
export const EVENT_SLOTS = 12;
/** Slots: 0 kind, 1 order number, 2 decision bar, 3 bar, 4 side (+1 buy, -1 sell), 5 quantity asked,
 *  6 quantity filled, 7 fill price, 8 commission, 9 realized P&L, 10 cash or position a denial quotes. */
export const EV = { Kind: 0, Order: 1, Decided: 2, Bar: 3, Side: 4, Asked: 5, Filled: 6, Price: 7, Commission: 8, Realized: 9, Detail: 10 } as const;

/** Money settings of a simulation in 10^-K units (vector/money.ts). */
export interface SimMoney {
  /** Exponent of the unit: amounts are integers of 10^-K. */
  readonly K: number;
  /** Buy and sell price factors in 10^-f units: 10^f +- slippage. */
  readonly buyNum: bigint;
  readonly sellNum: bigint;
  /** 10^(K - d - f): opens (10^-d units) times a factor (10^-f) to 10^-K units. */
  readonly priceMul: bigint;
  readonly commissionPerShare: bigint;
  readonly commissionPerOrder: bigint;
  readonly initialCash: bigint;
}

export interface SimParams {
  readonly money: SimMoney;
  /** Deny sells that would open or grow a short (the noShortSelling check). */
  readonly denyShort: boolean;
  /** The sizer's fraction per bar, long and short; absent: `fraction` for every entry. */
  readonly fractions?: { readonly long: Handle; readonly short: Handle };
  readonly fraction: number;
}

export interface SimResult {
  readonly status: number;
  /** Equity after each bar (a view, valid until the session's next call). */
  readonly equity: Float64Array;
  /** nEvents records of EVENT_SLOTS values (a view, likewise). */
  readonly events: Float64Array;
  readonly nEvents: number;
  readonly exposed: number;
  readonly totalCommission: number;
}

/** One series loaded into the kernels, with the arrays computed from it. */
export interface VectorSession {
  readonly length: number;
  /** Streaming-exact SMA, RSI and Bollinger (k = 1) of the closes. */
  sma(period: number): Handle;
  rsi(period: number): Handle;
  bands(period: number): { middle: Handle; width: Handle };
  /** An array given by the host (a sizer's fractions), kept for the session. */
  upload(values: Float64Array): Handle;
  /** The value of a held array at bar i (for the reasons trades carry). */
  at(handle: Handle, i: number): number;
  momentumSignals(fast: Handle, slow: Handle, rsi: Handle, start: number, rsiMax: number, allowShort: boolean): void;
  meanReversionSignals(middle: Handle, width: Handle, start: number, entryZ: number, exitZ: number, allowShort: boolean): void;
  /** Simulates the last signals computed. */
  simulate(params: SimParams): SimResult;
  /** The sums behind the statistics of the last simulation's equity curve, or null when irregular (stats.ts equityMoments). */
  equityStats(blocks: number): EquityMoments | null;
  /** The signals of the last signal pass (a view), for tests. */
  signals(): Uint8Array;
}

export interface VectorKernels {
  readonly name: "wasm" | "ts";
  /** PBO's scorer on these kernels (guards.ts), when they have one. */
  readonly cscv?: CscvScorer;
  /** Loads a series: closes and opens as float64, opens also as integers of 10^-d. */
  session(close: Float64Array, open: Float64Array, openInt: BigInt64Array): VectorSession;
}
