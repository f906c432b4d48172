// A strategy's input files read the way the page's worker reads them
// (runtimes/browser/input-files.ts): by the CLI's parsers, a read that
// another file supersedes stopped at its next slice, and a file that is not
// text (or is empty) refused in the words of the format the input takes.
import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/data/csv-write.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { INPUT_FORMAT, readInputFiles, type ReadOptions } from "../../runtimes/browser/input-files.ts";

const options = (over: Partial<ReadOptions> = {}): ReadOptions => ({
  sliceMs: 0, now: () => 0, yieldNow: () => new Promise((resolve) => setTimeout(resolve, 0)), cancelled: () => false, ...over,
});

/** A file whose stream never ends (a header, then bars forever), counting the chunks read from it. */
function endlessFile(name: string): { file: File; opened: () => boolean; pulled: () => number; cancelled: () => boolean } {
  let opened = false;
  let pulled = 0;
  let cancelled = false;
  let day = 0;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = pulled === 0 ? "date,open,high,low,close,volume\n" : "";
      for (let i = 0; i < 100; i++, day++) text += `${new Date(Date.UTC(1900, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)},10,11,9,10,100\n`;
      pulled++;
      controller.enqueue(encoder.encode(text));
    },
    cancel() {
      cancelled = true;
    },
  });
  const file = {
    name, size: Infinity,
    stream: () => {
      opened = true;
      return stream;
    },
  } as unknown as File;
  return { file, opened: () => opened, pulled: () => pulled, cancelled: () => cancelled };
}

const fileOf = (name: string, content: string | Uint8Array<ArrayBuffer>) => new File([content], name);

describe("a strategy's input files in the worker", () => {
  it("reads other series, holdings and news as the CLI does", async () => {
    const bars = syntheticBars({ n: 50, seed: 3, symbol: "BBB" });
    const csv = toCsv(["time", "open", "high", "low", "close", "volume"], [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]);
    const series = await readInputFiles("series", [fileOf("bbb.csv", csv)], options());
    expect(series?.loaded).toEqual({ summary: "BBB · 50 bars", symbols: ["BBB"] });
    expect(series?.series?.[0].close).toEqual(bars.close);
    const fund = "date,symbol,shares\n2000-04-30,CCC,300\n2000-01-31,AAA,100\n2000-01-31,BBB,50\n2000-04-30,AAA,100\n";
    const holdings = await readInputFiles("holdings", [fileOf("fund.csv", fund)], options());
    expect(holdings?.loaded.summary).toBe("2 snapshots of AAA, BBB, CCC (shares)");
    expect(holdings?.loaded.holdings).toBe(fund);
    // Each symbol once, at its first row in date order: what the page checks the run's series against.
    expect(holdings?.loaded.holdingsFirsts?.snapshots.flatMap((s) => s.positions.map((p) => [p.symbol, p.row])))
      .toEqual([["AAA", 2], ["BBB", 3], ["CCC", 1]]);
    const news = await readInputFiles("news", [fileOf("news.jsonl", '{"time":"2020-01-02T00:00:00Z","headline":"x","score":0.5}\n')], options());
    expect(news?.loaded.summary).toBe("1 article");
  });

  it("stops reading a file once another is chosen for the input, and says nothing of it", async () => {
    const endless = endlessFile("huge.csv");
    let superseded = false;
    const read = readInputFiles("series", [endless.file], options({ cancelled: () => superseded }));
    while (endless.pulled() < 20) await new Promise((resolve) => setTimeout(resolve, 0));
    superseded = true;
    expect(await read).toBeNull();
    expect(endless.cancelled()).toBe(true);
    // One of several files (mirror's series): the read stops there, and the next file is never opened.
    const first = endlessFile("first.csv");
    const second = endlessFile("more.csv");
    superseded = false;
    const several = readInputFiles("series", [first.file, second.file], options({ cancelled: () => superseded }));
    while (first.pulled() < 20) await new Promise((resolve) => setTimeout(resolve, 0));
    superseded = true;
    expect(await several).toBeNull();
    expect(first.cancelled()).toBe(true);
    expect(second.opened()).toBe(false);
  });

  it("refuses a binary or empty file in the words of the format its input takes", async () => {
    const nul = new Uint8Array([0x7b, 0x00, 0x7d]);
    await expect(readInputFiles("news", [fileOf("news.json", nul)], options()))
      .rejects.toThrow("news.json: a binary file, not JSON, JSON lines or CSV text (byte 2 is a NUL byte, which JSON, JSON lines or CSV text never holds)");
    await expect(readInputFiles("holdings", [fileOf("fund.csv", nul)], options()))
      .rejects.toThrow("fund.csv: a binary file, not CSV text (byte 2 is a NUL byte, which CSV text never holds)");
    await expect(readInputFiles("news", [fileOf("empty.json", "")], options()))
      .rejects.toThrow("empty.json: the file is empty; expected news as JSON, JSON lines or CSV (a header such as time,headline,symbols)");
    expect(INPUT_FORMAT).toEqual({ series: "CSV text", holdings: "CSV text", news: "JSON, JSON lines or CSV text" });
  });
});
