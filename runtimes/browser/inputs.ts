// A strategy's inputs besides the bars loaded in step 1, as file inputs on
// the form: generated from what the strategies declare (StrategyInputs:
// series, holdings, news), the same needs `nt backtest` meets with
// --data A --data B, --holdings FILE and --news FILE and the API with its
// series, holdings and news fields. The files are read and parsed in the
// engine's worker (worker.ts) by the same src/ code the CLI uses.
import type { StrategyDefinition } from "../../src/strategies/strategy.ts";

/** The kinds of input a strategy may declare, each a field of the request (or, for series, the run's data). */
export type InputKey = "series" | "holdings" | "news";

export interface InputSpec {
  readonly key: InputKey;
  readonly label: string;
  readonly help: string;
  /** The file picker's accept attribute. */
  readonly accept: string;
  /** Several files at once (one series per held symbol). */
  readonly multiple: boolean;
  /** The strategy needing it, for messages. */
  readonly strategy: string;
  /** What it needs, in the strategy's words (its inputs' why). */
  readonly why: string;
}

/**
 * The file inputs the strategies of a choice need, in a fixed order (series,
 * holdings, news): none for strategies that read only the bars. A strategy
 * declaring `series: N` takes N - 1 series besides the loaded one (one file
 * for N = 2, several otherwise); a book strategy that declares no count
 * (mirror: one per held symbol) takes any number more.
 */
export function inputsFor(defs: readonly StrategyDefinition[]): InputSpec[] {
  const out: InputSpec[] = [];
  for (const def of defs) {
    const inputs = def.inputs;
    if (!inputs) continue;
    const base = { strategy: def.name, why: inputs.why };
    const more = inputs.series !== undefined ? inputs.series - 1 : def.createBook ? Infinity : 0;
    if (more > 0 && !out.some((s) => s.key === "series")) {
      out.push({
        ...base, key: "series", accept: ".csv,text/csv", multiple: more > 1,
        label: more === 1 ? "Second series (CSV)" : "More series (CSV, one file each)",
        help: `${def.name} needs ${inputs.why}: the data loaded above is the first series; ` +
          (more === 1 ? "this file is the other, read as the data above is and aligned with it bar by bar"
            : "these files are the others, each named after its file and aligned with the data above bar by bar"),
      });
    }
    if (inputs.holdings && !out.some((s) => s.key === "holdings")) {
      out.push({
        ...base, key: "holdings", accept: ".csv,text/csv", multiple: false, label: "Holdings (CSV)",
        help: `${def.name} needs ${inputs.why}: date,symbol,shares (or value) rows, as nt backtest --holdings reads; each symbol is a series' name (its file's, or SPX for the bundled data)`,
      });
    }
    if (inputs.news && !out.some((s) => s.key === "news")) {
      out.push({
        ...base, key: "news", accept: ".json,.jsonl,.ndjson,.csv,application/json,text/csv", multiple: false, label: "News (JSON, JSON lines or CSV)",
        help: `${def.name} needs ${inputs.why}: a news file as nt backtest --news reads (see nt news --help); each article counts from the first bar after its time`,
      });
    }
  }
  return out;
}

/**
 * The input an engine error belongs to, from the request path or file it
 * names: the run's series (data, series), the holdings (holdings, or a row
 * of the holdings file), the news. Null for any other.
 */
export function inputOfError(err: { readonly field?: string; readonly source?: string }): InputKey | null {
  if (err.source === "holdings" || err.field === "holdings") return "holdings";
  if (err.field === "news" || err.field?.startsWith("news[") || err.field?.startsWith("news.")) return "news";
  if (err.field === "series" || err.field === "data") return "series";
  return null;
}
