// Prints the README's table of the memory filter: momentum (defaults) with
// and without --memory on the bundled S&P 500 and on R TTR's ttrc sample,
// each row one `nt backtest --json` run. Needs `npm run build` first.
// Usage: node scripts/memory-table.mjs
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const series = [
  ["data/sp500.csv (S&P 500 2000-2020)", []],
  ["test/fixtures/ttrc_ttr_indicators.csv (TTR's ttrc)", ["--data", "test/fixtures/ttrc_ttr_indicators.csv", "--symbol", "TTRC"]],
];
const filters = [
  ["none", []],
  ["--memory (k 10, holding 10, minTraces 20, minEdge 0)", ["--memory"]],
  ["--memory --memory-k 5 --memory-min-traces 5", ["--memory", "--memory-k", "5", "--memory-min-traces", "5"]],
];

const pct = (x) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
console.log("| series | filter | total return | Sharpe | max drawdown | trades | vetoes |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const [name, data] of series) {
  for (const [label, flags] of filters) {
    const out = execFileSync(process.execPath, ["bin/nt.mjs", "backtest", ...data, ...flags, "--json"], { cwd: root, maxBuffer: 1 << 28 });
    const r = JSON.parse(out.toString());
    const vetoes = (r.droppedSignals ?? []).filter((d) => d.reason === "memory").length;
    console.log(`| ${name} | ${label} | ${pct(r.totalReturn)} | ${r.sharpe.toFixed(2)} | ${pct(-r.maxDrawdown)} | ${r.trades.length} | ${vetoes} |`);
  }
}
