import type { SymbolId } from "../core/data.ts";
import { ConfigError, shown } from "../core/errors.ts";

/** What to tag articles with: the tickers of interest and, optionally, names that stand for them. */
export interface TaggerOptions {
  readonly symbols: readonly SymbolId[];
  /** Names meaning a ticker, matched as written (case and all) as whole words: { AAPL: ["Apple"] }. */
  readonly aliases?: Readonly<Record<SymbolId, readonly string[]>>;
}

const TICKER = /^[A-Z][A-Z0-9.-]{0,9}$/;
/** Neither side of a match may continue a word: "Apple's" matches Apple, "Pineapple" does not. */
const edge = (text: string) => `(?<![\\p{L}\\p{N}])${text}(?![\\p{L}\\p{N}])`;
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Finds which tickers a text is about: a cashtag ($AAPL, any case), the
 * ticker itself in capitals as a word (two characters or more, so the
 * article "A" is not Agilent), or one of its aliases.
 */
export class SymbolTagger {
  private readonly patterns: { symbol: SymbolId; re: RegExp }[];

  constructor(options: TaggerOptions) {
    const symbols = [...new Set(options.symbols)];
    for (const s of symbols) {
      if (!TICKER.test(s)) throw new ConfigError(`symbols: ${shown(s)} is not a ticker (capital letters, digits, "." or "-", up to 10)`, { field: "symbols" });
    }
    for (const [s, names] of Object.entries(options.aliases ?? {})) {
      if (!symbols.includes(s)) throw new ConfigError(`aliases.${s}: ${s} is not among the symbols to tag (${symbols.join(", ")})`, { field: `aliases.${s}` });
      names.forEach((name, i) => {
        if (typeof name !== "string" || name.trim() === "") throw new ConfigError(`aliases.${s}[${i}] must be a name, got ${shown(name)}`, { field: `aliases.${s}[${i}]` });
      });
    }
    this.patterns = symbols.map((symbol) => {
      const words = [...(symbol.length >= 2 ? [symbol] : []), ...(options.aliases?.[symbol] ?? []).map((n) => n.trim())];
      return { symbol, re: new RegExp([`\\$${caseless(symbol)}`, ...words.map(escapeRegex)].map(edge).join("|"), "u") };
    });
  }

  /** The tickers found in `text`, in the order the symbols were given. */
  tag(text: string): SymbolId[] {
    return this.patterns.filter((p) => p.re.test(text)).map((p) => p.symbol);
  }
}

/** A ticker as a pattern that ignores case letter by letter ([Aa][Aa][Pp][Ll]). */
function caseless(symbol: string): string {
  return [...symbol].map((c) => (/[A-Z]/.test(c) ? `[${c}${c.toLowerCase()}]` : escapeRegex(c))).join("");
}
