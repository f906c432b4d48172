// CSV loading speed: the bundled S&P 500 file and 1,000,000 generated rows, whole
// and fed in 1 MiB chunks as the CLI streams a file.
import { readFileSync } from "node:fs";
import { Bench } from "tinybench";
import { medianMs } from "./stats.ts";
import { toCsv } from "../src/data/csv-write.ts";
import { BarsCsvParser, parseBarsCsv } from "../src/data/csv.ts";
import { formatDates } from "../src/core/dates.ts";
import { syntheticBars } from "../src/data/synthetic.ts";

export async function run(): Promise<string> {
  const sp500 = readFileSync("data/sp500.csv", "utf8");
  const syn = syntheticBars({ n: 1_000_000, seed: 1, stepMs: 60_000 });
  const big = toCsv(["date", "open", "high", "low", "close", "volume"], [formatDates(syn.time), syn.open, syn.high, syn.low, syn.close, syn.volume]);
  const bench = new Bench({ time: 0, warmupTime: 0, iterations: 5, warmupIterations: 1 });
  bench.add("S&P 500 daily, 5,105 rows", () => void parseBarsCsv(sp500, { symbol: "SPX" }));
  bench.add("1,000,000 rows, ISO date-times", () => void parseBarsCsv(big, { symbol: "SYN" }));
  // Flat strings, as a TextDecoder gives them.
  const chunks = Array.from({ length: Math.ceil(big.length / 2 ** 20) }, (_, i) => Buffer.from(big.slice(i * 2 ** 20, (i + 1) * 2 ** 20)).toString());
  bench.add("the same in 1 MiB chunks (BarsCsvParser)", () => {
    const parser = new BarsCsvParser({ symbol: "SYN" });
    for (const chunk of chunks) parser.push(chunk);
    void parser.finish();
  });
  await bench.run();
  const rows = [5105, 1_000_000, 1_000_000].map((n, k) => {
    const t = bench.tasks[k];
    const ms = medianMs(t);
    const mb = ((k === 0 ? sp500.length : big.length) / 1e6).toFixed(1);
    return `| ${t.name} | ${mb} MB | ${ms.toFixed(2)} | ${((ms * 1e6) / n).toFixed(0)} |`;
  });
  return ["`parseBarsCsv` with full validation of every row; median of 5 runs after 1 warm-up. The chunked row is the",
    "path of the CLI, which streams a file through a TextDecoder (decoding not included).", "",
    "| input | size | ms | ns/row |", "|---|---:|---:|---:|", ...rows].join("\n");
}
