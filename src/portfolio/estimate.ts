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
