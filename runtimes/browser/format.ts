// Numbers and dates as people read them. The page always keeps the full
// value in a data-value attribute next to the rounded text.
const MS_PER_DAY = 86_400_000;

const grouped2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const grouped0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function fmtMoney(x: number): string {
  return Number.isFinite(x) ? grouped2.format(x) : "—";
}

export function fmtInt(x: number): string {
  return Number.isFinite(x) ? grouped0.format(x) : "—";
}

export function fmtPct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : "—";
}

export function fmtNum(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

/** Most decimals a price is shown with. */
const MAX_PRICE_DECIMALS = 8;

/**
 * The decimals every price on the page is shown with: the fewest that write
 * each price of the data exactly, to single precision, so a file written
 * from single-precision floats (1438.359985 for 1438.36) counts at its true
 * tick. One rule for the legend, the trade list and the axis.
 */
export function priceDecimals(...columns: ArrayLike<number>[]): number {
  let d = 0;
  let scale = 1;
  for (const column of columns) {
    for (let i = 0; i < column.length; i++) {
      const x = column[i];
      while (d < MAX_PRICE_DECIMALS && Math.fround(Math.round(x * scale) / scale) !== Math.fround(x)) scale = 10 ** ++d;
    }
  }
  return d;
}

const priceFormats = new Map<number, Intl.NumberFormat>();

/** A price with exactly `decimals` decimals (priceDecimals of the data shown). */
export function fmtPrice(x: number, decimals: number): string {
  let format = priceFormats.get(decimals);
  if (!format) priceFormats.set(decimals, (format = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return Number.isFinite(x) ? format.format(x) : "—";
}

/** YYYY-MM-DD for a UTC midnight, else YYYY-MM-DD HH:MM (UTC). */
export function fmtTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % MS_PER_DAY === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** "camelCase" parameter names as labels: "rsiPeriod" → "RSI period", "entryZ" → "Entry Z". */
export function paramLabel(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
  const out = words.map((w, i) => {
    if (/^(rsi|sma|ema|atr|adx|macd|ttl)$/i.test(w)) return w.toUpperCase();
    if (w.length === 1) return w.toUpperCase();
    return i === 0 ? w[0].toUpperCase() + w.slice(1) : w.toLowerCase();
  });
  return out.join(" ");
}

/** Milliseconds as "42 ms" or "1.23 s". */
export function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
