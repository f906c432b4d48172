import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runStrategyBacktest } from "../../../../src/backtest/job.ts";
import type { BarSeries } from "../../../../src/core/data.ts";
import type { TextChunkParser } from "../../../../src/data/csv-dialect.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { parseHoldingsCsv } from "../../../../src/data/holdings.ts";
import { benchmarkSeries, buyAndHold, withAnalysis } from "../../../../src/report/analysis.ts";
import { renderReportHtml } from "../../../../src/report/html.ts";
import { formatReportText } from "../../../../src/report/text.ts";
import { sampleDataFile } from "../../assets.ts";
import { UsageError, type CliIO, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";
import { REQUEST_OPTIONS, REQUEST_USAGE, requestFromFlags, withNews } from "../request-flags.ts";

const usage = `Usage: nt backtest [--data FILE.csv ...] [--strategy NAME[,NAME...]] [--param k=v ...] [--benchmark FILE.csv] [--json] [--out report.html]

Runs a strategy over daily OHLCV bars and prints a summary.

  --data FILE.csv        bars (date,open,high,low,close,volume; comma, semicolon or tab separated;
                         up to ${MAX_INPUT_LABEL}; default: bundled S&P 500 2000-2020). Repeatable: series
                         sharing bar times, each named after its file, traded together (pairs takes
                         two: the first is bought when the spread is cheap; mirror takes one per
                         held symbol); other strategies run one instance per series
  --symbol NAME          symbol for the report (one --data only; default: the file name, or SPX for the bundled data)
  --holdings FILE.csv    mirror: the reference portfolio's holdings, date,symbol,shares (or value) rows
  --benchmark FILE.csv   bars to compare with, in the --data format, matched by date (default: buying
                         and holding the traded series, when there is one); alpha, beta, tracking error
                         and information ratio follow R PerformanceAnalytics
${REQUEST_USAGE}
  --json                 print the report as one JSON object
  --out FILE.html        also write a self-contained HTML report`;

export const backtestCommand: Command = {
  name: "backtest",
  summary: "run a strategy over bars and report returns, risk and trades",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        data: { type: "string", multiple: true, default: [] }, symbol: { type: "string" }, holdings: { type: "string" },
        benchmark: { type: "string" }, ...REQUEST_OPTIONS,
        json: { type: "boolean", default: false }, out: { type: "string" },
      },
    });
    const flags = await withNews(requestFromFlags(values), values, io.cwd);
    const series = await readSeries(values.data, values.symbol, io);
    if (series[0].close.length < 2) {
      io.err(`nt backtest: warning: ${values.data[0] ?? "sp500.csv"} has 1 bar; orders fill at the next bar's open, so nothing can be traded\n`);
    }
    const request = { ...flags, holdings: values.holdings === undefined ? undefined : await readHoldings(values.holdings, io) };
    const benchmark = values.benchmark === undefined
      ? (series.length === 1 ? buyAndHold(series[0]) : null)
      : benchmarkSeries(await readTextFile(resolve(io.cwd, values.benchmark), values.benchmark, new BarsCsvParser({ source: values.benchmark })));
    const run = runStrategyBacktest(series, request, { onProgress: (done, total) => io.progress(done, total, "backtest") });
    const report = withAnalysis(run, benchmark);
    io.out(values.json ? JSON.stringify(report) + "\n" : formatReportText(report) + "\n");
    if (values.out) {
      const out = resolve(io.cwd, values.out);
      writeFileSync(out, renderReportHtml(report));
      if (!values.json) io.out(`HTML report written to ${out}\n`);
    }
    return 0;
  },
};

/** The --data files (each named after its file unless --symbol renames the only one), or the bundled S&P 500. */
async function readSeries(data: readonly string[], symbol: string | undefined, io: CliIO): Promise<BarSeries[]> {
  if (data.length === 0) return [await readTextFile(sampleDataFile, "sp500.csv", new BarsCsvParser({ source: "sp500.csv", symbol: symbol ?? "SPX" }))];
  if (data.length > 1 && symbol !== undefined) throw new UsageError("--symbol names the series of a single --data file; several are each named after their file");
  const series: BarSeries[] = [];
  for (const d of data) series.push(await readTextFile(resolve(io.cwd, d), d, new BarsCsvParser({ source: d, symbol })));
  return series;
}

/** The text of a holdings file, checked here so an error names the file; the request carries the text, as an API body does. */
function readHoldings(source: string, io: CliIO): Promise<string> {
  return readTextFile(resolve(io.cwd, source), source, new TextCollector((text) => {
    parseHoldingsCsv(text, source);
    return text;
  }));
}

/** A whole (small) text file, then `finish` on it. */
class TextCollector<T> implements TextChunkParser<T> {
  private readonly chunks: string[] = [];
  constructor(private readonly done: (text: string) => T) {}
  push(chunk: string): void {
    this.chunks.push(chunk);
  }
  finish(): T {
    return this.done(this.chunks.join(""));
  }
}
