import type { NewsArticle } from "./article.ts";

/** How close in time two articles with the same headline must be to count as one story: a day. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 86_400_000;

/**
 * One article per story, oldest first. Two articles are the same story when
 * they share a source and id (a page fetched twice, a revision), a link, or
 * the same headline once normalized (case, punctuation, spacing) within
 * `windowMs` of each other (a wire story syndicated by several feeds). The
 * earliest publication is kept, since that is when the market could first
 * have read it, with the symbols of all its copies.
 */
export function dedupe(articles: readonly NewsArticle[], windowMs = DEFAULT_DUPLICATE_WINDOW_MS): NewsArticle[] {
  const sorted = [...articles].sort((a, b) => a.time - b.time);
  const kept: NewsArticle[] = [];
  const byKey = new Map<string, number>();
  const byHeadline = new Map<string, number>();
  for (const a of sorted) {
    const keys = [`id\u0000${a.source}\u0000${a.id}`, ...(a.url ? [`url\u0000${a.url}`] : [])];
    const headline = normalizeHeadline(a.headline);
    let at = keys.map((k) => byKey.get(k)).find((i) => i !== undefined);
    const sameHeadline = byHeadline.get(headline);
    if (at === undefined && sameHeadline !== undefined && a.time - kept[sameHeadline].time <= windowMs) at = sameHeadline;
    if (at === undefined) {
      at = kept.push(a) - 1;
      byHeadline.set(headline, at);
    } else {
      const first = kept[at];
      const symbols = [...new Set([...first.symbols, ...a.symbols])];
      if (symbols.length > first.symbols.length) kept[at] = { ...first, symbols };
    }
    for (const k of keys) byKey.set(k, at);
  }
  return kept;
}

/** A headline as compared for duplicates: lower case, letters and digits only, single spaces. */
export function normalizeHeadline(headline: string): string {
  return headline.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}
