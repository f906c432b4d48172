import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { csvChunks } from "../../../../src/data/csv-write.ts";
import { computeIndicators, INDICATOR_RULES, indicatorForms, parseIndicatorList } from "../../../../src/features/spec.ts";
import { formatDates } from "../../../../src/core/dates.ts";
import { WasmIndicators } from "../../../../src/kernels/indicators.ts";
import { kernelBytes } from "../../assets.ts";
import { UsageError, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";

const usage = `Usage: nt indicators --data FILE.csv --spec LIST --out FILE.csv

Computes indicators over OHLCV bars with the WASM kernels.

  --data FILE.csv   bars (date,open,high,low,close,volume; comma, semicolon or tab
                    separated; up to ${MAX_INPUT_LABEL})
  --spec LIST       comma-separated items, e.g. sma:20,rsi:14,macd:12:26:9,bbands:20:2,obv;
                    an item may leave out trailing arguments (their defaults apply)
  --out FILE.csv    output: the date column, then one column per item (item.part for
                    several outputs); empty where a value is not yet defined

Items (the same as the API's \`indicators\`):
${indicatorForms().map((f) => `  ${f}`).join("\n")}

${wrap(INDICATOR_RULES, 80)}`;

/** Text broken into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line].join("\n");
}

export const indicatorsCommand: Command = {
  name: "indicators",
  summary: "compute technical indicators over a CSV of bars into a CSV",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { data: { type: "string" }, spec: { type: "string" }, out: { type: "string" } },
    });
    for (const flag of ["data", "spec", "out"] as const) if (!values[flag]) throw new UsageError(`--${flag} is required`);
    const items = parseIndicatorList(values.spec!);
    const series = await readTextFile(resolve(io.cwd, values.data!), values.data!, new BarsCsvParser({ source: values.data! }));
    const kernels = await WasmIndicators.load(kernelBytes("indicators"));
    const columns = computeIndicators(kernels, series, items);
    // Written in pieces: the whole table as one string could pass the longest string a JS engine allows.
    const chunks = csvChunks(["date", ...columns.keys()], [formatDates(series.time), ...columns.values()]);
    await pipeline(Readable.from(chunks), createWriteStream(resolve(io.cwd, values.out!)));
    io.err(`wrote ${series.close.length} rows x ${columns.size} indicator columns to ${values.out}\n`);
    return 0;
  },
};
