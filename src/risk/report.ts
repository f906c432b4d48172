import type { SettingSpec } from "../core/settings.ts";
import { tsRisk, type RiskStats } from "./stats.ts";

/** The VaR/ES entries of a report: method and confidence in percent. */
/** Periods per year for annualizing (252 for daily returns, 12 for monthly): the CLI's --scale and the API's scale. */
export const SCALE_SETTING = {
  name: "scale", type: "number", default: 252, min: 0, max: 1_000_000, minExclusive: true, description: "periods per year, for annualizing",
} as const satisfies SettingSpec;

export const TAIL_KEYS = [
  "historical_95", "gaussian_95", "modified_95", "historical_99", "gaussian_99", "modified_99",
] as const;
export type TailKey = (typeof TAIL_KEYS)[number];

/** What `nt risk --json` prints for one series. PerformanceAnalytics sign convention: VaR and ES are returns, negative = loss. */
export interface RiskReport {
  VaR: Record<TailKey, number>;
  ES: Record<TailKey, number>;
  /** Per-period Sharpe ratio (risk-free 0, sample sd). */
  sharpe: number;
  /** Annualized Sharpe with the compounded annual return (PA geometric=TRUE). */
  sharpeAnnualized: number;
  /** Per-period Sortino ratio (MAR 0). */
  sortino: number;
  downsideDeviation: number;
  /** Largest compounded drawdown, a positive fraction. */
  maxDrawdown: number;
  calmar: number;
  /** Compounded annual return. */
  annualizedReturn: number;
  annualizedVolatility: number;
  skewness: number;
  /** Excess kurtosis. */
  kurtosis: number;
  kelly: number;
  halfKelly: number;
  n: number;
  mean: number;
  stdDev: number;
}

/** Risk statistics of one return series with `scale` periods per year (252 daily, 12 monthly). */
export function riskReport(returns: Float64Array, scale: number, stats: RiskStats = tsRisk): RiskReport {
  const s = stats.summary(returns, scale);
  const VaR = {} as Record<TailKey, number>;
  const ES = {} as Record<TailKey, number>;
  for (const confidence of [0.95, 0.99]) {
    const tail = stats.tailRisk(returns, confidence);
    for (const method of ["historical", "gaussian", "modified"] as const) {
      const key = `${method}_${Math.round(confidence * 100)}` as TailKey;
      VaR[key] = tail[method].VaR;
      ES[key] = tail[method].ES;
    }
  }
  return {
    VaR: pick(VaR), ES: pick(ES),
    sharpe: s.sharpe, sharpeAnnualized: s.sharpeAnnualized, sortino: s.sortino,
    downsideDeviation: s.downsideDeviation, maxDrawdown: s.maxDrawdown, calmar: s.calmar,
    annualizedReturn: s.annualizedReturn, annualizedVolatility: s.annualizedVolatility,
    skewness: s.skewness, kurtosis: s.kurtosis, kelly: s.kelly, halfKelly: s.halfKelly,
    n: s.n, mean: s.mean, stdDev: s.stdDev,
  };
}

/** The entries in TAIL_KEYS order. */
function pick(values: Record<TailKey, number>): Record<TailKey, number> {
  return Object.fromEntries(TAIL_KEYS.map((k) => [k, values[k]])) as Record<TailKey, number>;
}

type Row = [label: string, value: (r: RiskReport) => number, format: "int" | "pct" | "num"];

const ROWS: Row[] = [
  ["observations", (r) => r.n, "int"],
  ["mean", (r) => r.mean, "pct"],
  ["std dev", (r) => r.stdDev, "pct"],
  ...TAIL_KEYS.flatMap((k): Row[] => {
    const [method, level] = k.split("_");
    return [[`VaR ${level}% ${method}`, (r) => r.VaR[k], "pct"], [`ES ${level}% ${method}`, (r) => r.ES[k], "pct"]];
  }),
  ["annualized return", (r) => r.annualizedReturn, "pct"],
  ["annualized volatility", (r) => r.annualizedVolatility, "pct"],
  ["max drawdown", (r) => r.maxDrawdown, "pct"],
  ["downside deviation", (r) => r.downsideDeviation, "pct"],
  ["Sharpe (per period)", (r) => r.sharpe, "num"],
  ["Sharpe (annualized)", (r) => r.sharpeAnnualized, "num"],
  ["Sortino (per period)", (r) => r.sortino, "num"],
  ["Calmar", (r) => r.calmar, "num"],
  ["skewness", (r) => r.skewness, "num"],
  ["excess kurtosis", (r) => r.kurtosis, "num"],
  ["Kelly", (r) => r.kelly, "num"],
  ["half Kelly", (r) => r.halfKelly, "num"],
];

/**
 * A plain-text table with one column per series. VaR and ES are returns
 * (negative = loss); percentages are per period unless annualized.
 */
export function renderRiskReports(reports: readonly { name: string; report: RiskReport }[], scale: number): string {
  const header = ["", ...reports.map((r) => r.name)];
  const body = ROWS.map(([label, value, format]) => [label, ...reports.map((r) => formatValue(value(r.report), format))]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  return [
    `Risk statistics (${scale} periods per year; VaR and ES as returns, negative = loss)`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
  ].join("\n");
}

function formatValue(v: number, format: Row[2]): string {
  if (Number.isNaN(v)) return "n/a";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (format === "int") return String(v);
  if (format === "pct") return `${(v * 100).toFixed(2)}%`;
  return v.toFixed(3);
}
