// Reading a CSV file the way the page's worker does (runtimes/browser/load.ts):
// a byte stream in chunks of any size into the incremental parser, with
// progress and cancel, and a file that is not text refused by name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BarsCsvParser, parseBarsCsv } from "../../src/data/csv.ts";
import { binaryProblem, parseStream, SNIFF_BYTES, type StreamOptions } from "../../runtimes/browser/load.ts";
import { root } from "./browser.ts";

const text = readFileSync(`${root}data/sp500.csv`, "utf8");
const bytes = new TextEncoder().encode(text);

/** `data` as a stream of chunks of `size` bytes. */
function chunked(data: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + size));
      at += size;
    },
  });
}

function options(over: Partial<StreamOptions> = {}): StreamOptions {
  return { source: "sp500.csv", sliceMs: 0, now: () => 0, yieldNow: async () => {}, cancelled: () => false, onProgress: () => {}, ...over };
}

describe("a CSV file streamed into the parser", () => {
  it("parses to the same series as the whole text, whatever the chunk size (a character split between chunks included)", async () => {
    const whole = parseBarsCsv(text, { source: "sp500.csv", symbol: "SPX" });
    // "é" is two bytes in UTF-8: chunks of 1 and 7 bytes split it.
    const lines = text.trimEnd().split("\n");
    const accented = new TextEncoder().encode(`${[`${lines[0]},note`, ...lines.slice(1).map((l) => `${l},café`)].join("\n")}\n`);
    for (const size of [1, 7, 4096, 1 << 20]) {
      const series = await parseStream(chunked(bytes, size), new BarsCsvParser({ source: "sp500.csv", symbol: "SPX" }), options());
      expect(series, `chunks of ${size}`).toEqual(whole);
    }
    for (const size of [1, 7]) {
      const series = await parseStream(chunked(accented, size), new BarsCsvParser({ source: "sp500.csv", symbol: "SPX" }), options());
      expect(series?.close, `chunks of ${size}`).toEqual(whole.close);
    }
  });

  it("reports the bytes read after each slice and at the end", async () => {
    const progress: number[] = [];
    await parseStream(chunked(bytes, 65_536), new BarsCsvParser({ source: "sp500.csv" }), options({ onProgress: (b) => progress.push(b) }));
    expect(progress.at(-1)).toBe(bytes.length);
    expect(progress.length).toBe(Math.ceil(bytes.length / 65_536) + 1);
    expect(progress.every((b, i) => i === 0 || b >= progress[i - 1])).toBe(true);
  });

  it("stops when cancelled between slices, and returns nothing", async () => {
    let slices = 0;
    const result = await parseStream(chunked(bytes, 65_536), new BarsCsvParser({ source: "sp500.csv" }), options({
      onProgress: () => slices++, cancelled: () => slices >= 2,
    }));
    expect(result).toBeNull();
    expect(slices).toBe(2);
  });

  it("refuses a binary file by name before its first row", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    await expect(parseStream(chunked(png, 3), new BarsCsvParser({ source: "chart.png" }), options({ source: "chart.png" })))
      .rejects.toThrow("chart.png: a binary file, not CSV text (byte 9 is a NUL byte, which CSV text never holds)");
    // Past the bytes checked, a NUL is the parser's to report (it is no longer judged as binary).
    const late = new Uint8Array(SNIFF_BYTES + 10);
    late.set(bytes.subarray(0, SNIFF_BYTES));
    await expect(parseStream(chunked(late, 1000), new BarsCsvParser({ source: "late.csv" }), options({ source: "late.csv" })))
      .rejects.toThrow(/^late\.csv, row \d+: /);
  });
});

describe("binaryProblem", () => {
  it("names a NUL byte, a UTF-16 byte order mark and bytes that are not UTF-8", () => {
    expect(binaryProblem(new Uint8Array([0x61, 0x2c, 0x00]))).toBe("byte 3 is a NUL byte, which CSV text never holds");
    expect(binaryProblem(new Uint8Array([0xff, 0xfe, 0x64, 0x00]))).toBe("it is UTF-16 text; save it as UTF-8 (CSV UTF-8 in a spreadsheet) and load it again");
    expect(binaryProblem(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]))).toBe("its first 5 bytes are not UTF-8 text");
  });

  it("passes UTF-8 text, a byte order mark, and a character cut at the end of the bytes checked", () => {
    expect(binaryProblem(new TextEncoder().encode("\ufeffdate,close\n2020-01-02,10\n"))).toBeNull();
    const cut = new TextEncoder().encode("caf\u00e9").subarray(0, 4);
    expect(binaryProblem(cut)).toBeNull();
  });
});
