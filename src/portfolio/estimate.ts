import { ConfigError } from "../core/errors.ts";
import { covarianceMatrix } from "../risk/comoments.ts";
import type { ReturnsTable } from "../data/returns-csv.ts";

/** Asset returns with every value present: one column per asset, one row per kept date. */
export interface AssetReturns {
  readonly assets: readonly string[];
  readonly dates: readonly string[];
  /** columns[k][t]: the return of asset k on dates[t]. */
  readonly columns: readonly Float64Array[];
  /** Rows left out because some asset's return was missing. */
  readonly dropped: number;
}

/** Keeps the rows of a returns table (src/data/returns-csv.ts) where every column has a value. */
export function completeRows(table: ReturnsTable): AssetReturns {
  const keep: number[] = [];
  table.dates.forEach((_, t) => {
    if (table.columns.every((c) => !Number.isNaN(c.values[t]))) keep.push(t);
  });
  return {
    assets: table.columns.map((c) => c.name),
    dates: keep.map((t) => table.dates[t]),
    columns: table.columns.map((c) => Float64Array.from(keep, (t) => c.values[t])),
    dropped: table.dates.length - keep.length,
  };
}

export interface Moments {
  /** Mean return per asset. */
  readonly mean: Float64Array;
  /** Sample covariance (divisor T - 1), n x n row-major, exactly symmetric. */
  readonly covariance: Float64Array;
  /** Rows used: those where every asset has a return. */
  readonly rows: number;
}

/**
 * Expected returns (sample means) and the sample covariance matrix
 * (src/risk/comoments.ts) of return columns of equal length, over the rows
 * where every column has a value (NaN marks a missing one).
 */
export function estimateMoments(columns: readonly Float64Array[]): Moments {
  const covariance = covarianceMatrix(columns);
  const t = columns[0].length;
  const mean = new Float64Array(columns.length);
  let rows = 0;
  for (let i = 0; i < t; i++) {
    if (!columns.every((c) => !Number.isNaN(c[i]))) continue;
    rows++;
    columns.forEach((c, k) => (mean[k] += c[i]));
  }
  if (rows < 2) throw new ConfigError(`${rows} complete return rows; at least 2 needed`, { field: "returns" });
  return { mean: mean.map((s) => s / rows), covariance, rows };
}
