// Messages between the page and its Web Workers, all structured-cloneable:
// plain data, typed arrays (their buffers transferred where large), Files and
// Blobs; no functions.
import type { BarSeries } from "../../src/core/data.ts";
import type { RunSettings } from "../../src/backtest/config.ts";
import type { AnalyzedReport, BenchmarkAnalysis, ReportAnalysis } from "../../src/report/analysis.ts";
import type { SizingSpec } from "../../src/backtest/job.ts";
import type { RiskLimits } from "../../src/risk/limits.ts";
import type { MemorySpec } from "../../src/signals/memory-filter.ts";
import type { CombineSpec } from "../../src/signals/spec.ts";
import type { StrategyParams } from "../../src/strategies/strategy.ts";
import type { Holdings } from "../../src/data/holdings.ts";
import type { ScoredArticle } from "../../src/news/article.ts";
import type { InputKey } from "./inputs.ts";
import { alignToBars, type Candles, type Plan } from "./decimate.ts";

/** The engine settings a page can send: the numbers only (callbacks stay in the worker). */
export type PlainConfig = RunSettings;

/** A backtest request as plain data. */
export interface PlainRequest {
  /** A strategy's name, or several comma-separated with `combine`. */
  readonly strategy: string;
  /** The strategy's parameters; a combination's prefixed by strategy (momentum.fast). */
  readonly params: StrategyParams;
  /** How a combination's signals meet (src/signals). */
  readonly combine?: CombineSpec;
  /** The memory filter around the strategy or combination. */
  readonly memory?: MemorySpec;
  readonly config: PlainConfig;
  /** Pre-trade limits (absent ones are off). */
  readonly limits?: RiskLimits;
  /** Position sizing; absent means the fixed positionFraction. */
  readonly sizing?: SizingSpec;
  /** The text of a holdings file, for a strategy that follows one (mirror), read and checked in the worker. */
  readonly holdings?: string;
  /** Scored articles, for a strategy that reads news (neural-sentiment), parsed from a news file in the worker. */
  readonly news?: readonly ScoredArticle[];
}

/** What the worker made of a strategy's input file(s) (inputs.ts): a line for the page and the request's part. */
export interface InputLoaded {
  /** What was read, in words ("BBB · 800 bars", "12 articles"). */
  readonly summary: string;
  /** The series' names (series). */
  readonly symbols?: readonly string[];
  /** The holdings file's text, checked (holdings). */
  readonly holdings?: string;
  /** The holdings' symbols, each at its first position (firstPositions): what the page checks the run's series against. */
  readonly holdingsFirsts?: Holdings;
  /** The articles, scored (news). */
  readonly news?: readonly ScoredArticle[];
}

/** An indicator line drawn over the chart, computed in the worker by the WASM kernels. */
export interface OverlaySpec {
  /** Unique within one run; the key of the computed values. */
  readonly id: string;
  readonly label: string;
  /** An indicator, or "close": the closes of another series the run takes (a pair's second leg), args [its index among them]. */
  readonly kind: "sma" | "bbands.upper" | "bbands.middle" | "bbands.lower" | "rsi" | "close";
  /** Kernel arguments after the input series (period, and k for bands); for "close", the other series' index. */
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
  /** The file (or request part, holdings) the error is in. */
  readonly source?: string;
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

/**
 * The report as the page holds it: everything but the per-bar curves, which
 * stay in the worker (Curves) and reach the page only as drawn (Drawn), so a
 * run of a million bars costs the page's thread no more than a short one.
 */
export type PageReport = Omit<AnalyzedReport, "equity" | "analysis"> & {
  readonly analysis: Omit<ReportAnalysis, "rolling" | "benchmark"> & {
    readonly benchmark: Omit<BenchmarkAnalysis, "curve"> | null;
    readonly rolling: { readonly window: number };
  };
};

/** A run's curves, one value per bar of the series (NaN where a curve has none, as a rolling window's first bars), or per point drawn. */
export interface Curves {
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  readonly benchmark: { readonly name: string; readonly equity: Float64Array } | null;
  readonly rolling: { readonly window: number; readonly sharpe: Float64Array; readonly volatility: Float64Array };
}

/** What a run's data comes from: a file the user picked or dropped, or a URL next to the page (the bundled data). */
export type LoadSource =
  | { readonly file: File; readonly name: string }
  | { readonly url: string; readonly name: string; readonly symbol: string };

export type ExportFormat = "json" | "csv" | "html";

export type ToWorker =
  | { readonly type: "init" }
  | { readonly type: "load"; readonly loadId: number; readonly seriesId: number; readonly source: LoadSource }
  | { readonly type: "cancel-load"; readonly loadId: number }
  | { readonly type: "series"; readonly seriesId: number; readonly series: BarSeries }
  | { readonly type: "export"; readonly jobId: number; readonly format: ExportFormat }
  /** Draw bars [from, to) of the series in view, `buckets` buckets across (decimate.ts's planFor). */
  | { readonly type: "draw"; readonly drawId: number; readonly seriesId: number; readonly from: number; readonly to: number; readonly buckets: number }
  /** A strategy's input file(s), read and parsed in the worker; kept (series) for runs that name `inputId`. No files: the input is cleared. */
  | { readonly type: "input"; readonly inputId: number; readonly key: InputKey; readonly files: readonly File[] }
  /** `extraSeries`: the inputId of the other series the run takes besides the loaded one (pairs' second leg, mirror's), if any. */
  | {
    readonly type: "backtest"; readonly jobId: number; readonly seriesId: number; readonly extraSeries?: number; readonly request: PlainRequest;
    readonly overlays: readonly OverlaySpec[];
  }
  | { readonly type: "cancel"; readonly jobId: number };

export type FromWorker =
  | { readonly type: "ready"; readonly kernels: "wasm" | "typescript"; readonly detail?: string }
  | { readonly type: "load-progress"; readonly loadId: number; readonly bytes: number; readonly total: number }
  /** The series parsed: the worker keeps it for runs and sends the page a copy (transferred) to draw. */
  | { readonly type: "loaded"; readonly loadId: number; readonly seriesId: number; readonly series: BarSeries; readonly priceDecimals: number }
  | { readonly type: "load-error"; readonly loadId: number; readonly error: PlainError }
  | { readonly type: "load-cancelled"; readonly loadId: number }
  | { readonly type: "input-loaded"; readonly inputId: number; readonly key: InputKey; readonly loaded: InputLoaded }
  | { readonly type: "input-error"; readonly inputId: number; readonly key: InputKey; readonly error: PlainError }
  | { readonly type: "progress"; readonly jobId: number; readonly done: number; readonly total: number }
  /** Every bar stepped: the report and its analysis are being computed (one stretch of work, stopped only by ending the worker). */
  | { readonly type: "analysing"; readonly jobId: number }
  | {
    readonly type: "result"; readonly jobId: number; readonly report: PageReport; readonly kernels: "wasm" | "typescript";
    /** Time spent stepping the engine (no yields), and in the overlay kernels. */
    readonly engineMs: number; readonly overlayMs: number;
  }
  | { readonly type: "cancelled"; readonly jobId: number }
  | ({ readonly type: "drawn" } & Drawn)
  /** An export of the run `jobId`, built in the worker from the whole report. */
  | { readonly type: "exported"; readonly jobId: number; readonly format: ExportFormat; readonly file: Blob }
  | { readonly type: "error"; readonly jobId: number; readonly error: PlainError };

/**
 * What the charts draw for a view, decimated in the worker: the plan, each
 * point's time (its first bar's) and candle, and the last run's indicator
 * lines and curves at the same points.
 */
export interface Drawn {
  readonly drawId: number;
  readonly plan: Plan;
  readonly times: Float64Array;
  readonly candles: Candles;
  readonly run: { readonly jobId: number; readonly overlays: Record<string, Float64Array>; readonly curves: Curves } | null;
}

export function toPlainError(e: unknown): PlainError {
  if (e instanceof Error) {
    const { code, field, row, source } = e as Error & { code?: unknown; field?: unknown; row?: unknown; source?: unknown };
    return {
      name: e.name,
      message: e.message,
      code: typeof code === "string" ? code : undefined,
      field: typeof field === "string" ? field : undefined,
      row: typeof row === "number" ? row : undefined,
      source: typeof source === "string" ? source : undefined,
    };
  }
  return { name: "Error", message: String(e) };
}

/** A report split into what the page shows and the per-bar curves over the series' bars (`time`), which the worker keeps to draw. */
export function splitReport(report: AnalyzedReport, time: Float64Array): { report: PageReport; curves: Curves } {
  const { equity, analysis, ...figures } = report;
  const { rolling, benchmark, ...tables } = analysis;
  const curves: Curves = {
    equity: alignToBars(time, equity.time, equity.equity),
    drawdown: alignToBars(time, equity.time, equity.drawdown),
    benchmark: benchmark && { name: benchmark.name, equity: alignToBars(time, benchmark.curve.time, benchmark.curve.equity) },
    rolling: { window: rolling.window, sharpe: alignToBars(time, rolling.time, rolling.sharpe), volatility: alignToBars(time, rolling.time, rolling.volatility) },
  };
  let bench: Omit<BenchmarkAnalysis, "curve"> | null = null;
  if (benchmark) {
    const { curve: _curve, ...rest } = benchmark;
    bench = rest;
  }
  return { report: { ...figures, analysis: { ...tables, benchmark: bench, rolling: { window: rolling.window } } }, curves };
}
