import type { BarSeries } from "../../core/data.ts";
import { parseBarsCsv } from "../../data/csv.ts";
import type { SampleSeries } from "../deps.ts";
import { shown } from "../../core/errors.ts";
import { invalid } from "../errors.ts";
import { barsFromJson } from "./bars.ts";
import { array, isObject, onlyKeys, string, type JsonObject } from "./validate.ts";
import { benchmarkSeries, buyAndHold, type Benchmark } from "../../report/analysis.ts";

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
 * `at` is the path of the object holding these fields ("benchmark." for a
 * benchmark), so errors name the field as the client sent it.
 */
export async function seriesFromRequest(body: JsonObject, samples: SampleStore, at = "", defaultSymbol = "DATA"): Promise<BarSeries> {
  const given = DATA_FIELDS.filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    throw invalid(`${at}${given[1] ?? "sample"}`, given.length === 0
      ? "is required: give one of sample (a bundled series name), csv (CSV text) or bars (inline bars)"
      : `cannot be combined with ${at}${given[0]}; give exactly one of ${DATA_FIELDS.join(", ")}`);
  }
  const symbol = body.symbol === undefined ? undefined : string(body.symbol, `${at}symbol`, 32);
  if (symbol !== undefined && !SYMBOL.test(symbol)) throw invalid(`${at}symbol`, `must be 1-32 letters, digits or ._:^=- , got ${shown(symbol)}`);
  switch (given[0]) {
    case "sample": {
      const series = await samples.get(string(body.sample, `${at}sample`, 64));
      return symbol === undefined ? series : { ...series, symbol };
    }
    case "csv":
      return parseBarsCsv(string(body.csv, `${at}csv`, Infinity), { source: `${at}csv`, symbol: symbol ?? defaultSymbol });
    default:
      return barsFromJson(body.bars, `${at}bars`, symbol ?? defaultSymbol);
  }
}

/** The most series one backtest runs together. */
export const MAX_SERIES = 100;

/**
 * The bars of a backtest: one series (sample, csv or bars, and symbol, at
 * the top of the body), or several in `series`, an array of such objects
 * sharing bar times (a pair's legs, a mirrored portfolio's holdings), each
 * named by its symbol (default S1, S2, ...).
 */
export async function seriesListFromRequest(body: JsonObject, samples: SampleStore): Promise<BarSeries[]> {
  if (body.series === undefined) return [await seriesFromRequest(body, samples)];
  const top = [...DATA_FIELDS, "symbol"].find((k) => body[k] !== undefined);
  if (top !== undefined) throw invalid(top, "cannot be combined with series; give every series, this one included, in series");
  const list = array(body.series, "series", 1, MAX_SERIES);
  const out: BarSeries[] = [];
  for (const [i, spec] of list.entries()) {
    const at = `series[${i}].`;
    if (!isObject(spec)) throw invalid(`series[${i}]`, `must be an object with one of sample, csv or bars (and an optional symbol), got ${shown(spec)}`);
    onlyKeys(spec, [...DATA_FIELDS, "symbol"], at);
    out.push(await seriesFromRequest(spec, samples, at, `S${i + 1}`));
  }
  return out;
}

/**
 * The series a backtest is compared with: `benchmark` (an object with one
 * of sample, csv or bars, and an optional symbol naming it), or by default
 * buying and holding the traded series (none when several are traded).
 */
export async function benchmarkFromRequest(body: JsonObject, traded: BarSeries | readonly BarSeries[], samples: SampleStore): Promise<Benchmark | null> {
  const series = Array.isArray(traded) ? traded : [traded as BarSeries];
  if (body.benchmark === undefined) return series.length === 1 ? buyAndHold(series[0]) : null;
  const spec = body.benchmark;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw invalid("benchmark", `must be an object with one of sample, csv or bars (and an optional symbol), got ${shown(spec)}`);
  }
  onlyKeys(spec as JsonObject, [...DATA_FIELDS, "symbol"], "benchmark.");
  return benchmarkSeries(await seriesFromRequest(spec as JsonObject, samples, "benchmark.", "BENCHMARK"));
}
