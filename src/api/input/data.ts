import type { BarSeries } from "../../core/data.ts";
import { parseBarsCsv } from "../../data/csv.ts";
import type { SampleSeries } from "../deps.ts";
import { shown } from "../../core/errors.ts";
import { invalid } from "../errors.ts";
import { barsFromJson } from "./bars.ts";
import { string, type JsonObject } from "./validate.ts";

/** The request fields that say where bars come from; exactly one is given. */
export const DATA_FIELDS = ["sample", "csv", "bars"] as const;

const SYMBOL = /^[A-Za-z0-9._:^=-]{1,32}$/;

/** The bundled series, each parsed once on first use and shared read-only afterwards. */
export class SampleStore {
  private readonly parsed = new Map<string, Promise<BarSeries>>();

  constructor(readonly samples: readonly SampleSeries[]) {}

  get names(): string[] {
    return this.samples.map((s) => s.name);
  }

  async get(name: string): Promise<BarSeries> {
    const sample = this.samples.find((s) => s.name === name);
    if (!sample) throw invalid("sample", `${shown(name)} is not a bundled series; known: ${this.names.join(", ")}`);
    let series = this.parsed.get(name);
    if (!series) {
      series = Promise.resolve(sample.load()).then((data) =>
        typeof data === "string" ? parseBarsCsv(data, { source: `${name}.csv`, symbol: sample.symbol }) : data,
      );
      this.parsed.set(name, series);
      // A failed load is not cached: the next request tries again.
      series.catch(() => this.parsed.delete(name));
    }
    return series;
  }
}

/**
 * The bars a backtest or paper session runs on: a bundled series by name
 * (`sample`), CSV text (`csv`) or inline bars (`bars`); `symbol` renames it.
 */
export async function seriesFromRequest(body: JsonObject, samples: SampleStore): Promise<BarSeries> {
  const given = DATA_FIELDS.filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    throw invalid(given[1] ?? "sample", given.length === 0
      ? "is required: give one of sample (a bundled series name), csv (CSV text) or bars (inline bars)"
      : `cannot be combined with ${given[0]}; give exactly one of ${DATA_FIELDS.join(", ")}`);
  }
  const symbol = body.symbol === undefined ? undefined : string(body.symbol, "symbol", 32);
  if (symbol !== undefined && !SYMBOL.test(symbol)) throw invalid("symbol", `must be 1-32 letters, digits or ._:^=- , got ${shown(symbol)}`);
  switch (given[0]) {
    case "sample": {
      const series = await samples.get(string(body.sample, "sample", 64));
      return symbol === undefined ? series : { ...series, symbol };
    }
    case "csv":
      return parseBarsCsv(string(body.csv, "csv", Infinity), { source: "csv", symbol: symbol ?? "DATA" });
    default:
      return barsFromJson(body.bars, "bars", symbol ?? "DATA");
  }
}
