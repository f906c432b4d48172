/**
 * RFC 3339 timestamps ("2021-02-22T15:51:44.208123456Z") to epoch ms,
 * truncating below the millisecond. Vendors stamp every trade and quote
 * with one, so this is on the hot path of stream parsing: the common UTC
 * form is read by hand, reusing the minute of the previous timestamp
 * (consecutive messages nearly always share it), which is several times
 * faster than Date.parse. Anything else (an offset, odd digits) goes to
 * Date.parse; NaN when that cannot read it either.
 */
let cachedMinute = "";
let cachedMinuteMs = 0;

const Z = 90, T = 84, COLON = 58, DASH = 45, DOT = 46, D0 = 48;

export function parseRfc3339(s: string): number {
  const n = s.length;
  if (n >= 20 && s.charCodeAt(n - 1) === Z && s.charCodeAt(10) === T && s.charCodeAt(16) === COLON && s.charCodeAt(4) === DASH) {
    let base: number;
    if (s.startsWith(cachedMinute) && cachedMinute.length === 16) base = cachedMinuteMs;
    else {
      base = Date.parse(`${s.slice(0, 16)}:00Z`);
      if (Number.isNaN(base)) return Date.parse(s);
      cachedMinute = s.slice(0, 16);
      cachedMinuteMs = base;
    }
    const s1 = s.charCodeAt(17) - D0, s2 = s.charCodeAt(18) - D0;
    if (s1 < 0 || s1 > 6 || s2 < 0 || s2 > 9) return Date.parse(s);
    let ms = 0;
    if (n > 20) {
      if (s.charCodeAt(19) !== DOT) return Date.parse(s);
      // Up to three fraction digits are milliseconds; the rest (micro, nano) are dropped.
      let scale = 100;
      for (let i = 20; i < n - 1; i++) {
        const d = s.charCodeAt(i) - D0;
        if (d < 0 || d > 9) return Date.parse(s);
        ms += d * scale;
        scale = (scale / 10) | 0;
      }
    } else if (s.charCodeAt(19) !== Z) return Date.parse(s);
    return base + (s1 * 10 + s2) * 1000 + ms;
  }
  return Date.parse(s);
}

/** Epoch ms as RFC 3339 in UTC with milliseconds, as the vendors' query parameters take it. */
export function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
