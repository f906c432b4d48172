// A strategy's input file(s) (inputs.ts), read in the engine's worker by the
// code `nt backtest` reads them with: other series as the loaded data
// (BarsCsvParser, each named after its file), a holdings file checked by
// parseHoldingsCsv (the request carries its text, as an API body does), news
// by parseNewsText and scored (--news). Streamed in slices (load.ts), and
// stopped between them once `cancelled` says another file was chosen.
import type { BarSeries } from "../../src/core/data.ts";
import { BarsCsvParser } from "../../src/data/csv.ts";
import { wholeText, type TextChunkParser } from "../../src/data/csv-dialect.ts";
import { firstPositions, parseHoldingsCsv } from "../../src/data/holdings.ts";
import { parseNewsText, scoredArticles } from "../../src/news/news-file.ts";
import type { InputKey } from "./inputs.ts";
import { CSV_TEXT, parseStream, type StreamOptions } from "./load.ts";
import type { InputLoaded } from "./protocol.ts";

/** The text each input's file should hold, as a file that is not text is told. */
export const INPUT_FORMAT: Readonly<Record<InputKey, string>> = {
  series: CSV_TEXT, holdings: CSV_TEXT, news: "JSON, JSON lines or CSV text",
};

/** How the files are read: slices, yields and the cancel check, as the loaded data's. */
export type ReadOptions = Pick<StreamOptions, "sliceMs" | "now" | "yieldNow" | "cancelled">;

/** What the files were read as: the page's part (InputLoaded), and for other series their bars, which stay in the worker. */
export interface InputRead {
  readonly loaded: InputLoaded;
  readonly series?: BarSeries[];
}

/**
 * Reads the file(s) of input `key` and returns what they hold, or null when
 * the read was cancelled (another file chosen for the input meanwhile).
 * Errors are the engine's, naming the file, row and field.
 */
export async function readInputFiles(key: InputKey, files: readonly File[], o: ReadOptions): Promise<InputRead | null> {
  const parse = <T>(file: File, parser: TextChunkParser<T>) =>
    parseStream(file.stream(), parser, { ...o, source: file.name, format: INPUT_FORMAT[key], onProgress: () => {} });
  switch (key) {
    case "series": {
      const list: BarSeries[] = [];
      for (const file of files) {
        const bars = await parse(file, new BarsCsvParser({ source: file.name }));
        if (bars === null) return null;
        list.push(bars);
      }
      const symbols = list.map((s) => s.symbol);
      return { loaded: { summary: list.map((s) => `${s.symbol} · ${s.close.length.toLocaleString("en-US")} bars`).join("; "), symbols }, series: list };
    }
    case "holdings": {
      const file = files[0];
      const read = await parse(file, wholeText((t) => [t, parseHoldingsCsv(t, file.name)] as const));
      if (read === null) return null;
      const [text, holdings] = read;
      const firsts = firstPositions(holdings);
      const symbols = firsts.snapshots.flatMap((s) => s.positions.map((p) => p.symbol));
      const n = holdings.snapshots.length;
      return { loaded: { summary: `${n} snapshot${n === 1 ? "" : "s"} of ${symbols.join(", ")} (${holdings.measure})`, holdings: text, holdingsFirsts: firsts } };
    }
    case "news": {
      const file = files[0];
      const news = await parse(file, wholeText((t) => scoredArticles(parseNewsText(t, file.name))));
      if (news === null) return null;
      return { loaded: { summary: `${news.length.toLocaleString("en-US")} article${news.length === 1 ? "" : "s"}`, news } };
    }
  }
}
