// Messages between the page and its Web Workers. Everything here is plain
// data (structured-cloneable): no functions, no class instances.
import type { BarSeries } from "../../src/core/data.ts";
import type { RunSettings } from "../../src/backtest/config.ts";
import type { AnalyzedReport } from "../../src/report/analysis.ts";
import type { SizingSpec } from "../../src/backtest/job.ts";
import type { RiskLimits } from "../../src/risk/limits.ts";
import type { StrategyParams } from "../../src/strategies/strategy.ts";

/** The engine settings a page can send: the numbers only (callbacks stay in the worker). */
export type PlainConfig = RunSettings;

/** A backtest request as plain data. */
export interface PlainRequest {
  readonly strategy: string;
  readonly params: StrategyParams;
  readonly config: PlainConfig;
  /** Pre-trade limits (absent ones are off). */
  readonly limits?: RiskLimits;
  /** Position sizing; absent means the fixed positionFraction. */
  readonly sizing?: SizingSpec;
}

/** An indicator line drawn over the chart, computed in the worker by the WASM kernels. */
export interface OverlaySpec {
  /** Unique within one run; the key of the computed values. */
  readonly id: string;
  readonly label: string;
  readonly kind: "sma" | "bbands.upper" | "bbands.middle" | "bbands.lower" | "rsi";
  /** Kernel arguments after the input series (period, and k for bands). */
  readonly args: readonly number[];
  /** "price" draws over the candles; "lower" in a pane below them. */
  readonly pane: "price" | "lower";
  readonly color: string;
  /** Horizontal reference lines (the strategy's thresholds), in the overlay's units. */
  readonly levels?: readonly number[];
}

/** An error as data: an EngineError's code, message and location survive the trip. */
export interface PlainError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly field?: string;
  readonly row?: number;
}

/** The report figures a sweep cell keeps. */
export interface CellMetrics {
  readonly sharpe: number;
  readonly totalReturn: number;
  readonly cagr: number;
  readonly maxDrawdown: number;
  readonly sortino: number;
  readonly trades: number;
}

export type ToWorker =
  | { readonly type: "init" }
  | { readonly type: "series"; readonly seriesId: number; readonly series: BarSeries }
  | { readonly type: "backtest"; readonly jobId: number; readonly seriesId: number; readonly request: PlainRequest; readonly overlays: readonly OverlaySpec[] }
  | { readonly type: "cancel"; readonly jobId: number };

export type FromWorker =
  | { readonly type: "ready"; readonly kernels: "wasm" | "typescript"; readonly detail?: string }
  | { readonly type: "progress"; readonly jobId: number; readonly done: number; readonly total: number }
  | {
    readonly type: "result"; readonly jobId: number; readonly report: AnalyzedReport;
    readonly overlays: Record<string, Float64Array>; readonly kernels: "wasm" | "typescript";
    /** Time spent stepping the engine (no yields), and in the overlay kernels. */
    readonly engineMs: number; readonly overlayMs: number;
  }
  | { readonly type: "cancelled"; readonly jobId: number }
  | { readonly type: "error"; readonly jobId: number; readonly error: PlainError };

export function toPlainError(e: unknown): PlainError {
  if (e instanceof Error) {
    const { code, field, row } = e as Error & { code?: unknown; field?: unknown; row?: unknown };
    return {
      name: e.name,
      message: e.message,
      code: typeof code === "string" ? code : undefined,
      field: typeof field === "string" ? field : undefined,
      row: typeof row === "number" ? row : undefined,
    };
  }
  return { name: "Error", message: String(e) };
}
