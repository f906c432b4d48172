import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES, readTextFile } from "../../runtimes/node/cli/files.ts";
import { ConfigError } from "../../src/core/errors.ts";
import type { TextChunkParser } from "../../src/data/csv-dialect.ts";
import { BarsCsvParser, parseBarsCsv } from "../../src/data/csv.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { parseReturnsCsv, ReturnsCsvParser } from "../../src/data/returns-csv.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";

const tmp = mkdtempSync(join(tmpdir(), "nt-files-"));

/** Keeps every chunk it is given. */
class Recorder implements TextChunkParser<string[]> {
  chunks: string[] = [];
  push(chunk: string) {
    this.chunks.push(chunk);
  }
  finish() {
    return this.chunks;
  }
}

describe("readTextFile", () => {
  // 2-, 3- and 4-byte UTF-8 characters next to ASCII, CRLF line ends and a BOM.
  const text = '\uFEFFdate,"Fonds é net","€ Fund","😀 Fund"\r\n2024-01-31,0.01,-0.02,0.5\r\n2024-02-29,0.03,NA,-0.25\r\n';
  const file = join(tmp, "returns.csv");
  writeFileSync(file, text);

  it("decodes UTF-8 split anywhere between chunks", async () => {
    const bytes = readFileSync(file).length;
    for (let size = 1; size <= 16; size++) {
      const chunks = await readTextFile(file, "returns.csv", new Recorder(), size);
      expect(chunks.length).toBeGreaterThanOrEqual(Math.floor(bytes / size));
      // TextDecoder drops the byte order mark, which the parsers skip either way.
      expect(chunks.join(""), `chunks of ${size} bytes`).toBe(text.slice(1));
    }
  });

  it("gives the parsers what the whole text gives, at every chunk size", async () => {
    const whole = parseReturnsCsv(text, "returns.csv");
    expect(whole.columns.map((c) => c.name)).toEqual(["Fonds é net", "€ Fund", "😀 Fund"]);
    for (let size = 1; size <= 24; size++) {
      expect(await readTextFile(file, "returns.csv", new ReturnsCsvParser("returns.csv"), size)).toEqual(whole);
    }
  });

  it("streams a file of several 1 MiB chunks into the same bars as the whole text", async () => {
    const s = syntheticBars({ n: 40_000, seed: 7, stepMs: 60_000, barsPerYear: 98_280 });
    const csv = toCsv(["time", "open", "high", "low", "close", "volume"], [s.time, s.open, s.high, s.low, s.close, s.volume]);
    expect(csv.length).toBeGreaterThan(2 * 2 ** 20);
    const big = join(tmp, "bars.csv");
    writeFileSync(big, csv);
    const series = await readTextFile(big, "bars.csv", new BarsCsvParser({ source: "bars.csv", symbol: "SYN" }));
    expect(series).toEqual(parseBarsCsv(csv, { symbol: "SYN" }));
    expect(series).toEqual(s);
  });

  it("refuses a directory and a file over the limit by name, before reading", async () => {
    await expect(readTextFile(tmp, "data/", new Recorder())).rejects.toThrow(new ConfigError("is a directory; expected a CSV file", { source: "data/" }));
    const huge = join(tmp, "huge.csv");
    writeFileSync(huge, "");
    truncateSync(huge, MAX_INPUT_BYTES + 1); // sparse: no disk used
    const recorder = new Recorder();
    await expect(readTextFile(huge, "huge.csv", recorder)).rejects.toThrow(/^huge\.csv: 4294967297 bytes \(4\.00 GiB\) is over the 4 GiB limit for input files/);
    expect(recorder.chunks).toEqual([]);
    truncateSync(huge, MAX_INPUT_BYTES); // at the limit: accepted (the parser meets NUL bytes, not the limit)
    await expect(readTextFile(huge, "huge.csv", { push() { throw new Error("read"); }, finish: () => 0 })).rejects.toThrow(/^read$/);
  });
});
