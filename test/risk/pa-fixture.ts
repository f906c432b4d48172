// The PerformanceAnalytics reference values (test/fixtures/pa_risk_metrics_ham1_3.csv)
// and how each of its rows maps onto a RiskStats result.
import { readFileSync } from "node:fs";
import type { RiskReport, TailKey } from "../../src/risk/report.ts";
import type { RiskStats } from "../../src/risk/stats.ts";
import { readFixture, root } from "../helpers.ts";

export interface PaRow {
  series: string;
  metric: string;
  params: string;
  value: number;
}

export const managers = readFixture("pa_managers_returns.csv");

export const paRows: PaRow[] = readFileSync(`${root}test/fixtures/pa_risk_metrics_ham1_3.csv`, "utf8")
  .trim().split(/\r?\n/).slice(1)
  .map((line) => {
    const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/"/g, ""));
    return { series: cells[1], metric: cells[2], params: cells[3], value: Number(cells[4]) };
  });

/** The months of PA's data set have 12 periods per year. */
export const SCALE = 12;

/** Our value for one reference row; throws on a row nothing maps to, so no row goes unchecked. */
export function ourValue(stats: RiskStats, row: PaRow): number {
  const r = managers[row.series];
  const s = stats.summary(r, SCALE);
  const p = /p=(0\.\d+)/.exec(row.params);
  const method = /method=(\w+)/.exec(row.params)?.[1];
  const geometric = /geometric=TRUE/.test(row.params);
  switch (row.metric) {
    case "n_obs": return s.n;
    case "mean": return s.mean;
    case "StdDev": return s.stdDev;
    case "skewness": return s.skewness;
    case "kurtosis": return s.kurtosis;
    case "VaR":
    case "ES": {
      const tail = stats.tailRisk(r, Number(p![1]));
      return tail[method as "historical" | "gaussian" | "modified"][row.metric];
    }
    case "SharpeRatio": return s.sharpe;
    case "SharpeRatio.annualized": return geometric ? s.sharpeAnnualized : s.sharpeAnnualizedArithmetic;
    case "SortinoRatio": return s.sortino;
    case "DownsideDeviation": return s.downsideDeviation;
    case "maxDrawdown": return stats.drawdown(r, geometric).depth;
    case "Return.annualized": return s.annualizedReturn;
    case "StdDev.annualized": return s.annualizedVolatility;
    case "CalmarRatio": return s.calmar;
    case "KellyRatio": return method === "half" ? s.halfKelly : s.kelly;
  }
  throw new Error(`no mapping for fixture row ${row.series} ${row.metric} ${row.params}`);
}

/** Relative error against the reference (absolute below 1e-12). */
export function relativeError(ours: number, reference: number): number {
  return Math.abs(ours - reference) / Math.max(Math.abs(reference), 1e-12);
}

/** The report's value for a reference row; undefined for the rows a report does not carry (the arithmetic variants). */
export function reportValue(report: RiskReport, row: PaRow): number | undefined {
  const p = /p=0\.(\d+)/.exec(row.params)?.[1];
  const method = /method=(\w+)/.exec(row.params)?.[1];
  const arithmetic = /geometric=FALSE/.test(row.params);
  switch (row.metric) {
    case "n_obs": return report.n;
    case "mean": return report.mean;
    case "StdDev": return report.stdDev;
    case "skewness": return report.skewness;
    case "kurtosis": return report.kurtosis;
    case "VaR":
    case "ES": return report[row.metric][`${method}_${p}` as TailKey];
    case "SharpeRatio": return report.sharpe;
    case "SharpeRatio.annualized": return arithmetic ? undefined : report.sharpeAnnualized;
    case "SortinoRatio": return report.sortino;
    case "DownsideDeviation": return report.downsideDeviation;
    case "maxDrawdown": return arithmetic ? undefined : report.maxDrawdown;
    case "Return.annualized": return report.annualizedReturn;
    case "StdDev.annualized": return report.annualizedVolatility;
    case "CalmarRatio": return report.calmar;
    case "KellyRatio": return method === "half" ? report.halfKelly : report.kelly;
  }
  throw new Error(`no mapping for fixture row ${row.series} ${row.metric} ${row.params}`);
}

/** Rows of one series whose report value is off by more than `rel`, as messages; also the number compared. */
export function reportMismatches(report: RiskReport, series: string, rel = 1e-9): { failures: string[]; compared: number } {
  const failures: string[] = [];
  let compared = 0;
  for (const row of paRows.filter((r) => r.series === series)) {
    const ours = reportValue(report, row);
    if (ours === undefined) continue;
    compared++;
    if (!(relativeError(ours, row.value) <= rel)) failures.push(`${series} ${row.metric} ${row.params}: PA ${row.value}, ours ${ours}`);
  }
  return { failures, compared };
}
