import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runStrategyBacktest } from "../../../../src/backtest/job.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { benchmarkSeries, buyAndHold, withAnalysis } from "../../../../src/report/analysis.ts";
import { renderReportHtml } from "../../../../src/report/html.ts";
import { formatReportText } from "../../../../src/report/text.ts";
import { sampleDataFile } from "../../assets.ts";
import type { Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";
import { REQUEST_OPTIONS, REQUEST_USAGE, requestFromFlags, withNews } from "../request-flags.ts";

const usage = `Usage: nt backtest [--data FILE.csv] [--strategy NAME] [--param k=v ...] [--benchmark FILE.csv] [--json] [--out report.html]

Runs a strategy over daily OHLCV bars and prints a summary.

  --data FILE.csv        bars (date,open,high,low,close,volume; comma, semicolon or tab separated;
                         up to ${MAX_INPUT_LABEL}; default: bundled S&P 500 2000-2020)
  --symbol NAME          symbol for the report (default: the file name, or SPX for the bundled data)
  --benchmark FILE.csv   bars to compare with, in the --data format, matched by date (default: buying
                         and holding the traded series); alpha, beta, tracking error and information
                         ratio follow R PerformanceAnalytics
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
        data: { type: "string" }, symbol: { type: "string" }, benchmark: { type: "string" }, ...REQUEST_OPTIONS,
        json: { type: "boolean", default: false }, out: { type: "string" },
      },
    });
    const file = values.data ? resolve(io.cwd, values.data) : sampleDataFile;
    const source = values.data ?? "sp500.csv";
    // Without --symbol, the parser names the series after the file.
    const symbol = values.symbol ?? (values.data ? undefined : "SPX");
    const request = await withNews(requestFromFlags(values), values, io.cwd);
    const series = await readTextFile(file, source, new BarsCsvParser({ source, symbol }));
    if (series.close.length < 2) {
      io.err(`nt backtest: warning: ${source} has 1 bar; orders fill at the next bar's open, so nothing can be traded\n`);
    }
    const benchmark = values.benchmark === undefined
      ? buyAndHold(series)
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

