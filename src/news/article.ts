import type { SymbolId } from "../core/data.ts";

/**
 * One news article as every collector hands it on: Alpaca's news API, an
 * RSS or Atom feed, a news file. Times are epoch ms (UTC); `symbols` are the
 * tickers it is about (the vendor's own tags, or those a SymbolTagger found).
 */
export interface NewsArticle {
  /** The source's own id (Alpaca's article id, an RSS guid, an Atom id, else the link). */
  readonly id: string;
  /** Where it came from: "alpaca", or a feed's title or URL. */
  readonly source: string;
  readonly headline: string;
  /** Plain text, markup removed; "" when the source gives none. */
  readonly summary: string;
  readonly url?: string;
  readonly author?: string;
  /** Publication time. */
  readonly time: number;
  /** Last revision, when the source says. */
  readonly updated?: number;
  readonly symbols: readonly SymbolId[];
}

/** An article with its sentiment score in [-1, 1] (negative: bad news). */
export interface ScoredArticle extends NewsArticle {
  readonly score: number;
}

/** Markup out of a summary (feeds and Alpaca send HTML): tags dropped, the common entities read, spaces collapsed. */
export function plainText(html: string): string {
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return entities[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}
