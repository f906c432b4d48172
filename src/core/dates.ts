const MS_PER_DAY = 86_400_000;

/** Epoch ms as YYYY-MM-DD when every time is a UTC midnight (daily bars), else full ISO 8601. */
export function formatDates(time: Float64Array | readonly number[]): string[] {
  const daily = allMidnights(time);
  return Array.from(time, (t) => (daily ? isoDate(t) : new Date(t).toISOString()));
}

export function isoDate(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** True when every finite time is a UTC midnight: daily bars, shown as dates alone. */
export function allMidnights(times: Iterable<number>): boolean {
  for (const t of times) if (Number.isFinite(t) && t % MS_PER_DAY !== 0) return false;
  return true;
}

/**
 * Bars per year from the median spacing of the timestamps: daily bars
 * count 252 trading days, weekly 52, monthly 12; intraday bars scale 252
 * days of 6.5 trading hours.
 */
export function periodsPerYear(time: Float64Array): number {
  if (time.length < 2) return 252;
  const gaps = new Float64Array(time.length - 1);
  for (let i = 1; i < time.length; i++) gaps[i - 1] = time[i] - time[i - 1];
  const days = kth(gaps, gaps.length >> 1) / MS_PER_DAY;
  if (days >= 25) return 12;
  if (days >= 6) return 52;
  if (days >= 0.75) return 252;
  return (252 * 6.5) / (days * 24);
}

/**
 * The k-th smallest value (0-based), what sorting and indexing would give,
 * found by quickselect in linear time; reorders `a`. On a million bars this
 * is the difference between a sort and a pass or two.
 */
function kth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps sorted and constant inputs linear.
    const mid = (lo + hi) >> 1;
    const pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
