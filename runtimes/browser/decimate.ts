// Drawing a series of any length: the charts draw one point per few pixels,
// each standing for a run of bars, and keep what the eye needs from every
// run (its first, lowest, highest and last value: M4 aggregation). The bars
// in view are drawn at the detail the chart's width allows, the rest of the
// series coarser, and zooming in draws the new range again in finer runs.
// Every chart over the same bars uses the same plan, so their points line up.

/** How the bars are cut into buckets (a pixel or two each) and each bucket into the points drawn. */
export interface Plan {
  /** Bars in the series. */
  readonly n: number;
  /** Bucket starts in bars, ascending, then n. */
  readonly buckets: Int32Array;
  /** Point starts in bars, ascending, then n: a bucket of s bars is min(s, 4) points, of about s / 4 bars each. */
  readonly points: Int32Array;
  /** Bars per bucket in [fineFrom, fineTo), the range around the view; outside it, `coarse` bars. */
  readonly fine: number;
  readonly coarse: number;
  readonly fineFrom: number;
  readonly fineTo: number;
}

/** Points per bucket: its first, lowest, highest and last value. */
const POINTS_PER_BUCKET = 4;

const pow2AtLeast = (x: number) => 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, x))));

/**
 * The plan for bars [from, to) in view, `buckets` buckets across it: half a
 * view either side is drawn as finely, so a short pan needs no new plan, and
 * the rest of the series in about `buckets` coarse buckets. Bucket sizes are
 * powers of two and buckets start at multiples of their size, so panning
 * keeps every bucket where it was.
 */
export function planFor(n: number, from: number, to: number, buckets: number): Plan {
  const lo = Math.max(0, Math.min(n, from));
  const hi = Math.max(lo, Math.min(n, to));
  const span = Math.max(1, hi - lo);
  const fine = pow2AtLeast(span / buckets);
  const coarse = Math.max(fine, pow2AtLeast(n / buckets));
  const fineFrom = Math.max(0, Math.floor((lo - span / 2) / coarse) * coarse);
  const fineTo = Math.min(n, Math.ceil((hi + span / 2) / coarse) * coarse);
  const starts: number[] = [];
  for (let b = 0; b < fineFrom; b += coarse) starts.push(b);
  for (let b = fineFrom; b < fineTo; b += fine) starts.push(b);
  for (let b = fineTo; b < n; b += coarse) starts.push(b);
  starts.push(n);
  const points: number[] = [];
  for (let k = 0; k + 1 < starts.length; k++) {
    const s = starts[k];
    const size = starts[k + 1] - s;
    const m = Math.min(POINTS_PER_BUCKET, size);
    for (let q = 0; q < m; q++) points.push(s + Math.floor((size * q) / m));
  }
  points.push(n);
  return { n, buckets: Int32Array.from(starts), points: Int32Array.from(points), fine, coarse, fineFrom, fineTo };
}

/** Whether `plan` already draws bars [from, to) as finely as a new plan would. */
export function planCovers(plan: Plan, from: number, to: number, buckets: number): boolean {
  const next = planFor(plan.n, from, to, buckets);
  return next.fine === plan.fine && next.coarse === plan.coarse &&
    Math.max(0, from) >= plan.fineFrom && Math.min(plan.n, to) <= plan.fineTo;
}

/**
 * One value per point of `plan`: a bucket of up to 4 bars keeps its values
 * as they are; a longer one its first, lowest, highest and last finite values,
 * the lowest and highest in the order they occur. NaN (not yet defined, as
 * an indicator's first bars) is skipped; a bucket with nothing finite is NaN.
 */
export function decimateLine(values: ArrayLike<number>, plan: Plan): Float64Array {
  const { buckets } = plan;
  const out = new Float64Array(plan.points.length - 1);
  let p = 0;
  for (let k = 0; k + 1 < buckets.length; k++) {
    const s = buckets[k];
    const e = buckets[k + 1];
    if (e - s <= POINTS_PER_BUCKET) {
      for (let i = s; i < e; i++) out[p++] = values[i];
      continue;
    }
    let first = -1, last = -1, lo = -1, hi = -1;
    for (let i = s; i < e; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (first < 0) first = lo = hi = i;
      else if (v < values[lo]) lo = i;
      else if (v > values[hi]) hi = i;
      last = i;
    }
    if (first < 0) {
      out.fill(NaN, p, p + POINTS_PER_BUCKET);
    } else {
      out[p] = values[first];
      out[p + 1] = values[Math.min(lo, hi)];
      out[p + 2] = values[Math.max(lo, hi)];
      out[p + 3] = values[last];
    }
    p += POINTS_PER_BUCKET;
  }
  return out;
}

export interface Ohlcv {
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

/** Candles, one per point. */
export interface Candles {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** One candle per point of `plan`: the first open, highest high, lowest low and last close of its bars, and their volume summed. */
export function aggregateBars(bars: Ohlcv, plan: Plan): Candles {
  const { points } = plan;
  const m = points.length - 1;
  const out = { open: new Float64Array(m), high: new Float64Array(m), low: new Float64Array(m), close: new Float64Array(m), volume: new Float64Array(m) };
  // Columns in locals: the inner loop runs over every bar of the series.
  const { high: hi, low: lo, volume: vol } = bars;
  for (let j = 0; j < m; j++) {
    const s = points[j];
    const e = points[j + 1];
    let high = hi[s], low = lo[s], volume = 0;
    for (let i = s; i < e; i++) {
      if (hi[i] > high) high = hi[i];
      if (lo[i] < low) low = lo[i];
      volume += vol[i];
    }
    out.open[j] = bars.open[s];
    out.high[j] = high;
    out.low[j] = low;
    out.close[j] = bars.close[e - 1];
    out.volume[j] = volume;
  }
  return out;
}

/** The point of `plan` that draws bar `bar` (the last point starting at or before it). */
export function pointOf(plan: Plan, bar: number): number {
  return Math.max(0, upperBound(plan.points, bar) - 1);
}

/**
 * The bar at a chart's logical position (point j at j, fractions in between
 * and beyond the ends at the nearest point's bars per point), so a view can
 * be kept when the points change.
 */
export function barAt(plan: Plan, logical: number): number {
  const { points } = plan;
  const m = points.length - 1;
  if (m === 0) return 0;
  if (logical < 0) return points[0] + logical * (points[1] - points[0]);
  if (logical >= m) return points[m] + (logical - m) * (points[m] - points[m - 1]);
  const j = Math.floor(logical);
  return points[j] + (logical - j) * (points[j + 1] - points[j]);
}

/** The logical position of bar `bar`: the inverse of barAt. */
export function logicalAt(plan: Plan, bar: number): number {
  const { points } = plan;
  const m = points.length - 1;
  if (m === 0) return 0;
  if (bar < points[0]) return (bar - points[0]) / (points[1] - points[0]);
  if (bar >= points[m]) return m + (bar - points[m]) / (points[m] - points[m - 1]);
  const j = pointOf(plan, bar);
  return j + (bar - points[j]) / (points[j + 1] - points[j]);
}

/** The first index whose value is above x. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `values` at `times` (ascending, each one of `barTime`'s) spread over the
 * bars: NaN at the bars they do not cover, so a curve that starts later (a
 * rolling window) or skips dates (another series as benchmark) lines up with
 * the bars it is drawn over.
 */
export function alignToBars(barTime: ArrayLike<number>, times: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(barTime.length).fill(NaN);
  let i = 0;
  for (let k = 0; k < times.length; k++) {
    while (i < barTime.length && barTime[i] < times[k]) i++;
    if (i < barTime.length && barTime[i] === times[k]) out[i] = values[k];
  }
  return out;
}
