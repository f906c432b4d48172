import { ConfigError } from "../core/errors.ts";
import { checkSetting, type SettingSpec } from "../core/settings.ts";
import { noShortSelling, sufficientCash, type PreTradeCheck } from "../risk/pretrade.ts";
import type { PositionSizer } from "../risk/sizing.ts";
import type { BookStrategy, StrategyParams } from "../strategies/strategy.ts";
import type { EngineSettings } from "../execution/engine.ts";
import type { EngineEvent, RebalanceSchedule } from "../execution/types.ts";
import type { VenueOptions } from "../execution/venue.ts";
import { realScheduler } from "../core/clock.ts";

export type { EngineEvent, RebalanceSchedule, RunSnapshot } from "../execution/types.ts";

export interface BacktestConfig {
  /** Starting cash (default 100,000). */
  initialCash?: number;
  /** Adverse move on market and stop fills in basis points (default 1). */
  slippageBps?: number;
  /** Commission per share or unit (default 0.005). */
  commissionPerShare?: number;
  /** Commission per filled order (default 0). */
  commissionPerOrder?: number;
  /** Fraction of equity a new position takes (default 1: all in); ignored when `sizer` is set. */
  positionFraction?: number;
  /** Sizes new positions from the bars seen so far (volatility target, Kelly). */
  sizer?: PositionSizer;
  /** Allow short positions on "short" signals (default false). */
  allowShort?: boolean;
  /** Moves the whole book to target weights on a schedule (multi-asset portfolios). */
  rebalance?: RebalanceSchedule;
  /** A strategy that trades the whole book at once (pairs, mirror); its target weights are scaled by positionFraction. */
  book?: BookStrategy;
  /** Protective stop this fraction away from the entry price, e.g. 0.05. */
  stopLossPct?: number;
  /** Take-profit limit this fraction away from the entry price, e.g. 0.1. */
  takeProfitPct?: number;
  /** Fill at most this fraction of a bar's volume per bar; the rest waits (default: no limit, whole orders fill). */
  maxParticipation?: number;
  /** Pre-trade checks in order; default: no short selling (unless allowShort) and sufficient cash. */
  checks?: readonly PreTradeCheck[];
  /** Bars per year for annualizing; default inferred from the timestamps. */
  periodsPerYear?: number;
  /** Strategy parameters to echo in the report. */
  params?: StrategyParams;
  /** Sees every bar, signal, order, fill and rejection as it happens (streaming, paper sessions). */
  onEvent?: (event: EngineEvent) => void;
  /** Called every 65,536 bars and at the end. */
  onProgress?: (done: number, total: number) => void;
  /** Clock for bars-per-second, in ms (default realScheduler.now). */
  now?: () => number;
}

/**
 * The numeric run settings a request may give (as `config`), declared once:
 * resolveConfig checks them with these, and so do the request check
 * (src/backtest/request.ts), the CLI's flags, the API's schema and the page's form.
 */
export const CONFIG_SETTINGS = [
  { name: "initialCash", type: "number", default: 100_000, min: 0, minExclusive: true, description: "starting cash" },
  { name: "slippageBps", type: "number", default: 1, min: 0, max: 10_000, maxExclusive: true, description: "adverse move on market and stop fills, in basis points" },
  { name: "commissionPerShare", type: "number", default: 0.005, min: 0, description: "commission per share or unit filled" },
  { name: "commissionPerOrder", type: "number", default: 0, min: 0, description: "commission per filled order" },
  { name: "positionFraction", type: "number", default: 1, min: 0, max: 1, minExclusive: true, description: "fraction of equity a new position takes" },
  { name: "stopLossPct", type: "number", min: 0, max: 1, minExclusive: true, maxExclusive: true, description: "protective stop this fraction away from the entry price, e.g. 0.05" },
  { name: "takeProfitPct", type: "number", min: 0, max: 1, minExclusive: true, maxExclusive: true, description: "take-profit limit this fraction away from the entry price, e.g. 0.1" },
  { name: "maxParticipation", type: "number", min: 0, max: 1, minExclusive: true, description: "fill at most this fraction of a bar's volume per bar, the rest waiting for the next (default: no limit)" },
  { name: "periodsPerYear", type: "number", min: 0, minExclusive: true, description: "bars per year for annualizing (default: inferred from the timestamps)" },
] as const satisfies readonly SettingSpec[];

export type ConfigSettingName = (typeof CONFIG_SETTINGS)[number]["name"];

/** The run settings as plain data: what a request's `config` holds. */
export type RunSettings = { [K in ConfigSettingName]?: number };

type Optional = "rebalance" | "book" | "stopLossPct" | "takeProfitPct" | "maxParticipation" | "onProgress" | "onEvent" | "params" | "periodsPerYear" | "sizer";
export type Resolved = Required<Omit<BacktestConfig, Optional>> & Pick<BacktestConfig, Optional>;

export function resolveConfig(c: BacktestConfig): Resolved {
  const r: Resolved = {
    initialCash: c.initialCash ?? 100_000,
    slippageBps: c.slippageBps ?? 1,
    commissionPerShare: c.commissionPerShare ?? 0.005,
    commissionPerOrder: c.commissionPerOrder ?? 0,
    positionFraction: c.positionFraction ?? 1,
    allowShort: c.allowShort ?? false,
    stopLossPct: c.stopLossPct,
    takeProfitPct: c.takeProfitPct,
    maxParticipation: c.maxParticipation,
    checks: c.checks ?? (c.allowShort ? [sufficientCash] : [noShortSelling, sufficientCash]),
    periodsPerYear: c.periodsPerYear,
    sizer: c.sizer,
    rebalance: c.rebalance,
    book: c.book,
    params: c.params,
    onProgress: c.onProgress,
    onEvent: c.onEvent,
    now: c.now ?? realScheduler.now,
  };
  for (const spec of CONFIG_SETTINGS) if (r[spec.name] !== undefined) checkSetting(spec, r[spec.name], spec.name);
  if (r.rebalance !== undefined && !(Number.isInteger(r.rebalance.every) && r.rebalance.every >= 1)) {
    throw new ConfigError(`rebalance.every must be an integer >= 1, got ${r.rebalance.every}`, { field: "rebalance.every" });
  }
  if (r.rebalance !== undefined && r.book !== undefined) {
    throw new ConfigError(`a run has either a rebalancing schedule or a book strategy (${r.book.name}), not both: both would set the book's weights`, { field: "rebalance" });
  }
  return r;
}

/** What the engine takes from resolved settings: sizing, exits, checks, rebalancing (costs go to the venue). */
export function engineSettings(r: Resolved): EngineSettings {
  return {
    initialCash: r.initialCash, positionFraction: r.positionFraction, sizer: r.sizer, stopLossPct: r.stopLossPct,
    takeProfitPct: r.takeProfitPct, checks: r.checks, rebalance: r.rebalance, book: r.book, onEvent: r.onEvent,
  };
}

/** What the simulated venue (a backtest's, the paper exchange's) takes: the account and the costs. */
export function venueOptions(r: Resolved): VenueOptions {
  return {
    initialCash: r.initialCash, slippageBps: r.slippageBps, commissionPerShare: r.commissionPerShare,
    commissionPerOrder: r.commissionPerOrder, maxParticipation: r.maxParticipation,
  };
}
