import { ld, st } from "../lib/arena";

// The inner loop of PBO by CSCV (src/research/guards.ts pboFromBlocks): the
// Sharpe ratio of every trial's returns pooled over a set of blocks, from
// per-block sums kept in columns (block k's values for all trials at
// k * trials). Two trials per f64x2 step; each lane adds the set's blocks in
// ascending order and finishes with the same operations as sharpeOfSums(),
// so every score equals the TypeScript one.

/** Scores of `trials` trials over the blocks whose bits are set in `set` (bit k = block k), into out. */
export function cscvScores(cn: usize, cs: usize, cq: usize, trials: i32, blocks: i32, set: i32, out: usize): void {
  const zero = f64x2.splat(0.0), one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  let t = 0;
  for (; t + 2 <= trials; t += 2) {
    let n = zero, s = zero, q = zero;
    for (let k = 0; k < blocks; k++) {
      if (((set >> k) & 1) == 0) continue;
      const o = (<usize>(k * trials + t)) << 3;
      n = f64x2.add(n, v128.load(cn + o));
      s = f64x2.add(s, v128.load(cs + o));
      q = f64x2.add(q, v128.load(cq + o));
    }
    const mean = f64x2.div(s, n);
    const variance = f64x2.max(zero, f64x2.div(f64x2.sub(q, f64x2.mul(s, mean)), f64x2.sub(n, one)));
    const sr = f64x2.div(mean, f64x2.sqrt(variance));
    // 0 where n < 2 or the variance is not above 0 (NaN compares false, as in the scalar form).
    const ok = v128.and(f64x2.ge(n, two), f64x2.gt(variance, zero));
    v128.store(out + (<usize>t << 3), v128.bitselect(sr, zero, ok));
  }
  for (; t < trials; t++) {
    let n = 0.0, s = 0.0, q = 0.0;
    for (let k = 0; k < blocks; k++) {
      if (((set >> k) & 1) == 0) continue;
      const o = k * trials + t;
      n += ld(cn, o);
      s += ld(cs, o);
      q += ld(cq, o);
    }
    let score = 0.0;
    if (n >= 2) {
      const mean = s / n;
      const variance = max(0.0, (q - s * mean) / (n - 1.0));
      score = variance > 0 ? mean / sqrt(variance) : 0.0;
    }
    st(out, t, score);
  }
}
