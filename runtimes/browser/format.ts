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

const price4 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** A price with as many decimals as it needs, up to 4. */
export function fmtPrice(x: number): string {
  return Number.isFinite(x) ? price4.format(x) : "—";
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
    if (/^(rsi|sma|ema|atr|adx|macd)$/i.test(w)) return w.toUpperCase();
    if (w.length === 1) return w.toUpperCase();
    return i === 0 ? w[0].toUpperCase() + w.slice(1) : w.toLowerCase();
  });
  return out.join(" ");
}

/** Milliseconds as "42 ms" or "1.23 s". */
export function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
