// Overfitting guards for a sweep's best run.
//
// Deflated Sharpe ratio: D. H. Bailey and M. López de Prado, "The Deflated
// Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting and
// Non-Normality", Journal of Portfolio Management 40(5), 2014, pp. 94-107.
// Probability of backtest overfitting by combinatorially symmetric
// cross-validation (CSCV): D. H. Bailey, J. M. Borwein, M. López de Prado and
// Q. J. Zhu, "The Probability of Backtest Overfitting", Journal of
// Computational Finance 20(4), 2016/2017.
import { qnorm } from "../risk/normal.ts";
import type { BlockSums } from "./stats.ts";

/** Euler-Mascheroni constant. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Standard normal distribution function, by Hart's 1968 double-precision
 * rational approximation as given by G. West, "Better approximations to
 * cumulative normal functions" (Wilmott, 2005): about 1e-14 absolute.
 */
export function pnorm(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  let tail: number;
  if (z > 37) tail = 0;
  else {
    const e = Math.exp(-(z * z) / 2);
    if (z < 7.07106781186547) {
      let num = 3.52624965998911e-2 * z + 0.700383064443688;
      num = num * z + 6.37396220353165;
      num = num * z + 33.912866078383;
      num = num * z + 112.079291497871;
      num = num * z + 221.213596169931;
      num = num * z + 220.206867912376;
      let den = 8.83883476483184e-2 * z + 1.75566716318264;
      den = den * z + 16.064177579207;
      den = den * z + 86.7807322029461;
      den = den * z + 296.564248779674;
      den = den * z + 637.333633378831;
      den = den * z + 793.826512519948;
      den = den * z + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let b = z + 0.65;
      b = z + 4 / b;
      b = z + 3 / b;
      b = z + 2 / b;
      b = z + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/**
 * Probabilistic Sharpe ratio (Bailey and López de Prado 2012, eq. as in the
 * DSR paper): the probability that the true per-period Sharpe exceeds
 * `benchmark`, given the observed per-period `sr` over `n` returns with
 * skewness `skewness` and kurtosis `kurtosis` (3 for normal returns).
 */
export function probabilisticSharpe(sr: number, benchmark: number, n: number, skewness: number, kurtosis: number): number {
  const denom = 1 - skewness * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(n > 1) || !(denom > 0)) return NaN;
  return pnorm(((sr - benchmark) * Math.sqrt(n - 1)) / Math.sqrt(denom));
}

/**
 * The expected maximum of N per-period Sharpe ratios whose true value is 0
 * and whose estimates vary with `variance` across trials (the DSR paper's
 * SR0): sqrt(V) ((1 - γ) Z⁻¹(1 - 1/N) + γ Z⁻¹(1 - 1/(N e))). 0 for one trial.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2) return 0;
  const z = (1 - EULER_GAMMA) * qnorm(1 - 1 / trials) + EULER_GAMMA * qnorm(1 - 1 / (trials * Math.E));
  return Math.sqrt(variance) * z;
}

export interface DeflatedSharpe {
  /** The probability that the selected run's true Sharpe is above what the best of `trials` luckless runs would show. */
  readonly dsr: number;
  /** The benchmark SR0 (per period) the selected run is measured against. */
  readonly benchmark: number;
  /** The selected run's per-period Sharpe. */
  readonly sr: number;
  readonly trials: number;
  /** Sample variance of the trials' per-period Sharpe ratios. */
  readonly variance: number;
  readonly n: number;
  readonly skewness: number;
  readonly kurtosis: number;
}

/**
 * Deflated Sharpe ratio of the selected run: its PSR against SR0, the
 * expected maximum Sharpe of all trials under the null. Sharpe ratios are
 * per period (per bar), not annualized, as the paper's formula needs.
 */
export function deflatedSharpe(selected: { sr: number; n: number; skewness: number; kurtosis: number }, trialSharpes: readonly number[]): DeflatedSharpe {
  const trials = trialSharpes.length;
  const variance = sampleVariance(trialSharpes);
  const benchmark = expectedMaxSharpe(trials, variance);
  const dsr = probabilisticSharpe(selected.sr, benchmark, selected.n, selected.skewness, selected.kurtosis);
  return { dsr, benchmark, sr: selected.sr, trials, variance, n: selected.n, skewness: selected.skewness, kurtosis: selected.kurtosis };
}

function sampleVariance(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1);
}

export interface Pbo {
  /** Share of the splits whose in-sample best ranks at or below the out-of-sample median (logit <= 0). */
  readonly pbo: number;
  /** Number of splits: C(S, S/2). */
  readonly splits: number;
  readonly blocks: number;
  readonly trials: number;
  /** The logit of the in-sample best's relative out-of-sample rank, one per split. */
  readonly logits: readonly number[];
}

/**
 * PBO by CSCV. The T returns of each of N trials are cut into S blocks (S
 * even); every choice of S/2 blocks is an in-sample set and the rest its
 * out-of-sample set. In each split the trial with the best in-sample
 * performance (the first on a tie) gets its out-of-sample rank r among the N
 * (1 = worst, ties sharing the average rank), ω = r / (N + 1) and the logit
 * λ = ln(ω / (1 - ω)). PBO is the share of splits with λ <= 0: how often
 * the in-sample choice is no better than the median out of sample.
 * `performance(trial, blocks)` scores a trial on a set of block indices.
 */
export function cscv(trials: number, blocks: number, performance: (trial: number, blocks: readonly number[]) => number): Pbo {
  if (!(Number.isInteger(blocks) && blocks >= 2 && blocks % 2 === 0)) throw new RangeError(`CSCV needs an even number of blocks >= 2, got ${blocks}`);
  if (trials < 2) throw new RangeError(`CSCV needs at least 2 trials, got ${trials}`);
  const logits: number[] = [];
  let overfit = 0;
  for (const inSample of combinations(blocks, blocks / 2)) {
    const outSample = complement(blocks, inSample);
    let best = 0;
    let bestScore = -Infinity;
    for (let t = 0; t < trials; t++) {
      const s = performance(t, inSample);
      if (s > bestScore) { best = t; bestScore = s; }
    }
    const oos = Array.from({ length: trials }, (_, t) => performance(t, outSample));
    const omega = averageRank(oos, best) / (trials + 1);
    const logit = Math.log(omega / (1 - omega));
    logits.push(logit);
    if (logit <= 0) overfit++;
  }
  return { pbo: overfit / logits.length, splits: logits.length, blocks, trials, logits };
}

/**
 * CSCV with each trial scored by the Sharpe ratio of its returns pooled over
 * the chosen blocks: cscv(trials, blocks, pooledSharpe) with the sums kept
 * in columns per block, so the C(S, S/2) x N scores of a large sweep take a
 * fraction of a second. The sums add blocks in the same (ascending) order,
 * so every score, and so the result, equals the plain form's.
 */
/**
 * Scores every trial over one set of blocks (pooledSharpe, bit k of `set` =
 * block k) into `out`, from the per-block columns pboFromBlocks lays out: the
 * kernel form (build/research.wasm cscvScores) gives the same numbers faster.
 */
export type CscvScorer = (columns: { n: Float64Array; sum: Float64Array; sumSq: Float64Array }, trials: number, blocks: number) => (set: number, out: Float64Array) => void;

/** The scorer in TypeScript: block by block over all trials, each trial's sums adding blocks in ascending order. */
export const tsCscvScorer: CscvScorer = ({ n: cn, sum: cs, sumSq: cq }, trials, blocks) => {
  const [an, as, aq] = [new Float64Array(trials), new Float64Array(trials), new Float64Array(trials)];
  return (set, out) => {
    an.fill(0);
    as.fill(0);
    aq.fill(0);
    for (let k = 0; k < blocks; k++) {
      if (((set >> k) & 1) === 0) continue;
      const o = k * trials;
      for (let t = 0; t < trials; t++) {
        an[t] += cn[o + t];
        as[t] += cs[o + t];
        aq[t] += cq[o + t];
      }
    }
    for (let t = 0; t < trials; t++) out[t] = sharpeOfSums(an[t], as[t], aq[t]);
  };
};

export function pboFromBlocks(blockSums: readonly (readonly BlockSums[])[], scorer: CscvScorer = tsCscvScorer): Pbo {
  const trials = blockSums.length;
  const blocks = blockSums[0]?.length ?? 0;
  if (blockSums.some((b) => b.length !== blocks)) throw new RangeError("every trial needs the same blocks");
  if (!(blocks >= 2 && blocks % 2 === 0)) throw new RangeError(`CSCV needs an even number of blocks >= 2, got ${blocks}`);
  if (trials < 2) throw new RangeError(`CSCV needs at least 2 trials, got ${trials}`);
  const col = (f: (b: BlockSums) => number) => {
    const a = new Float64Array(blocks * trials);
    blockSums.forEach((sums, t) => sums.forEach((b, k) => (a[k * trials + t] = f(b))));
    return a;
  };
  const [cn, cs, cq] = [col((b) => b.n), col((b) => b.sum), col((b) => b.sumSq)];
  // Every set of S/2 blocks is the out-of-sample half of its complement's split: scoring a set and
  // its complement once serves both splits, so each set's scores are computed once.
  const scoreMask = scorer({ n: cn, sum: cs, sumSq: cq }, trials, blocks);
  const score = (set: readonly number[], out: Float64Array) => scoreMask(set.reduce((m, k) => m | (1 << k), 0), out);
  const a = new Float64Array(trials);
  const b = new Float64Array(trials);
  const logits = new Map<string, number>();
  const split = (isScores: Float64Array, oosScores: Float64Array) => {
    let best = 0;
    for (let t = 1; t < trials; t++) if (isScores[t] > isScores[best]) best = t;
    const omega = averageRank(oosScores, best) / (trials + 1);
    return Math.log(omega / (1 - omega));
  };
  for (const set of combinations(blocks, blocks / 2)) {
    // Each pair once: from the set that holds block 0.
    if (set[0] !== 0) continue;
    const other = complement(blocks, set);
    score(set, a);
    score(other, b);
    logits.set(set.join(","), split(a, b));
    logits.set(other.join(","), split(b, a));
  }
  // In the plain form's order: splits by their in-sample set, lexicographically.
  const ordered = [...combinations(blocks, blocks / 2)].map((set) => logits.get(set.join(","))!);
  const overfit = ordered.filter((l) => l <= 0).length;
  return { pbo: overfit / ordered.length, splits: ordered.length, blocks, trials, logits: ordered };
}

/** Mean / sample sd of the returns in the chosen blocks, from their sums. */
export function pooledSharpe(sums: readonly BlockSums[], set: readonly number[]): number {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const b of set) {
    n += sums[b].n;
    sum += sums[b].sum;
    sumSq += sums[b].sumSq;
  }
  return sharpeOfSums(n, sum, sumSq);
}

function sharpeOfSums(n: number, sum: number, sumSq: number): number {
  if (n < 2) return 0;
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - sum * mean) / (n - 1));
  return variance > 0 ? mean / Math.sqrt(variance) : 0;
}

/** Rank of x[i] among x, 1 = smallest, ties sharing their average rank (R's rank()). */
function averageRank(x: ArrayLike<number>, i: number): number {
  let below = 0;
  let equal = 0;
  for (let k = 0; k < x.length; k++) {
    if (x[k] < x[i]) below++;
    else if (x[k] === x[i]) equal++;
  }
  return below + (equal + 1) / 2;
}

/** Every k-subset of 0..n-1 in lexicographic order. */
export function* combinations(n: number, k: number): Generator<number[]> {
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...c];
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

function complement(n: number, set: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!set.includes(i)) out.push(i);
  return out;
}
