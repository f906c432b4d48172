import { describe, expect, it } from "vitest";
import {
  combinations, cscv, deflatedSharpe, expectedMaxSharpe, pboFromBlocks, pnorm, pooledSharpe, probabilisticSharpe,
} from "../../src/research/guards.ts";
import { guardStats, type BlockSums } from "../../src/research/stats.ts";
import { qnorm } from "../../src/risk/normal.ts";
import { Random } from "../../src/core/random.ts";

describe("pnorm", () => {
  it("matches R's pnorm at known points", () => {
    // R 4.x: pnorm(1), pnorm(-1.96), pnorm(3), pnorm(-8)
    expect(pnorm(0)).toBe(0.5);
    expect(pnorm(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(pnorm(-1.96)).toBeCloseTo(0.024997895148220435, 14);
    expect(pnorm(3)).toBeCloseTo(0.9986501019683699, 14);
    expect(pnorm(-8) / 6.220960574271785e-16).toBeCloseTo(1, 6);
  });

  it("inverts qnorm (AS 241) to 1e-11 relative in either tail", () => {
    for (let i = 1; i < 2000; i++) {
      const p = i / 2000;
      expect(Math.abs(pnorm(qnorm(p)) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-11);
    }
  });
});

describe("deflated Sharpe ratio (Bailey and López de Prado 2014)", () => {
  it("reproduces the paper's numerical example: SR0 = 0.1132 and DSR = 0.9004", () => {
    // Section "A numerical example" of the paper: the best of N = 100 trials has an annualized
    // Sharpe of 2.5 over five years of daily returns (T = 1250, 250 days a year), the trials'
    // annualized Sharpe ratios vary with V = 1/2, the returns have skewness -3 and kurtosis 10.
    // Per period: SR = 2.5 / sqrt(250), V = 0.5 / 250. The paper gives SR0 ~ 0.1132 and DSR ~ 0.9004.
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    expect(sr0).toBeCloseTo(0.1132, 4);
    expect(probabilisticSharpe(2.5 / Math.sqrt(250), sr0, 1250, -3, 10)).toBeCloseTo(0.9004, 4);
  });

  it("benchmarks against a close approximation of the expected maximum of N standard normals", () => {
    // E[max of 100 iid N(0,1)] = 2.50759 (order-statistic tables); the paper's closed form is ~1% above it.
    expect(expectedMaxSharpe(100, 1)).toBeGreaterThan(2.50759);
    expect(expectedMaxSharpe(100, 1)).toBeLessThan(2.50759 * 1.015);
    expect(expectedMaxSharpe(1, 1)).toBe(0);
  });

  it("is the PSR against SR0 computed from the trials' own sample variance (hand computation)", () => {
    // Trials 0.1, 0.2, 0.3: mean 0.2, sample variance ((0.1)^2 + 0 + (0.1)^2) / 2 = 0.01.
    const d = deflatedSharpe({ sr: 0.3, n: 101, skewness: 0, kurtosis: 3 }, [0.1, 0.2, 0.3]);
    expect(d.variance).toBeCloseTo(0.01, 15);
    const z = 0.4227843350984671 * qnorm(1 - 1 / 3) + 0.5772156649015329 * qnorm(1 - 1 / (3 * Math.E));
    expect(d.benchmark).toBeCloseTo(0.1 * z, 14);
    // PSR: (SR - SR0) sqrt(n - 1) / sqrt(1 - skew SR + (kurt - 1)/4 SR^2) = (0.3 - SR0) 10 / sqrt(1 + 0.5 * 0.09).
    expect(d.dsr).toBeCloseTo(pnorm(((0.3 - d.benchmark) * 10) / Math.sqrt(1.045)), 14);
  });

  it("with one trial is the plain probabilistic Sharpe against zero", () => {
    const d = deflatedSharpe({ sr: 0.1, n: 101, skewness: 0, kurtosis: 3 }, [0.1]);
    expect(d.benchmark).toBe(0);
    expect(d.dsr).toBeCloseTo(pnorm(1 / Math.sqrt(1.005)), 15);
  });
});

describe("PBO by CSCV (Bailey, Borwein, López de Prado and Zhu 2016)", () => {
  // Performance = the mean of per-block scores, so each split can be worked by hand.
  const mean = (scores: number[][]) => (t: number, set: readonly number[]) => set.reduce((a, b) => a + scores[t][b], 0) / set.length;

  it("lists the C(S, S/2) splits", () => {
    expect([...combinations(4, 2)]).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect([...combinations(16, 8)].length).toBe(12870);
  });

  it("hand case 1: the in-sample winner loses out of sample or ties at the median: PBO = 1", () => {
    // A = [1,1,0,0], B = [0,0,1,1], C = [.5,.5,.5,.5]. Split {0,1}: A best in sample, worst out of
    // sample (rank 1 of 3): omega = 1/4, logit ln(1/3). Splits {0,2},{0,3},{1,2},{1,3}: all tie at .5,
    // A (the first) is chosen, its out-of-sample rank is the average 2: omega 1/2, logit 0 (counts
    // as overfit: logit <= 0). Split {2,3}: B chosen, ranks last: ln(1/3).
    const r = cscv(3, 4, mean([[1, 1, 0, 0], [0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5]]));
    const l = Math.log(1 / 3);
    expect(r.logits).toEqual([l, 0, 0, 0, 0, l]);
    expect(r.pbo).toBe(1);
    expect(r.splits).toBe(6);
  });

  it("hand case 2: a strategy that is best everywhere: PBO = 0", () => {
    // A = [2,2,2,2] always wins in sample (ties with B = [1,3,0,0] on {0,1}: A first). Out of sample it
    // ranks 3 of 3 (omega 3/4, logit ln 3) except on {0,1} after {2,3}, where it ties B for the top:
    // average rank 2.5, omega 2.5/4, logit ln(5/3).
    const r = cscv(3, 4, mean([[2, 2, 2, 2], [1, 3, 0, 0], [0, 0, 1, 1]]));
    expect(r.logits.map((x) => Number(x.toFixed(12)))).toEqual([Math.log(3), Math.log(3), Math.log(3), Math.log(3), Math.log(3), Math.log(5 / 3)].map((x) => Number(x.toFixed(12))));
    expect(r.pbo).toBe(0);
  });

  it("is about 1/2 for pure noise and about 0 with a planted edge (the paper's two regimes)", () => {
    const rng = new Random(7);
    const T = 1000;
    const N = 40;
    const matrix = (edge: (t: number) => number) => Array.from({ length: N }, (_, t) => {
      const equity = [1];
      for (let i = 0; i < T; i++) equity.push(equity[i] * (1 + 0.01 * (rng.normal() + edge(t))));
      return guardStats(equity, 16).blocks;
    });
    const noise = pboFromBlocks(matrix(() => 0));
    expect(noise.splits).toBe(12870);
    expect(noise.pbo).toBeGreaterThan(0.3);
    expect(noise.pbo).toBeLessThan(0.7);
    // 4 of 40 strategies with a per-period Sharpe of about 0.15.
    const planted = pboFromBlocks(matrix((t) => (t < 4 ? 0.15 : 0)));
    expect(planted.pbo).toBeLessThan(0.05);
  });

  it("the columnar form gives exactly the plain form's logits", () => {
    const rng = new Random(11);
    const sums = Array.from({ length: 25 }, () => Array.from({ length: 8 }, () => {
      const r = Array.from({ length: 20 }, () => 0.01 * rng.normal() + 0.001);
      return { n: 20, sum: r.reduce((a, b) => a + b), sumSq: r.reduce((a, b) => a + b * b, 0) };
    }));
    expect(pboFromBlocks(sums)).toEqual(cscv(25, 8, (t, set) => pooledSharpe(sums[t], set)));
  });

  it("pools block sums into the Sharpe ratio of the returns they came from", () => {
    const r = [0.01, -0.02, 0.03, 0.005, 0.0, -0.01];
    const sums: BlockSums[] = [0, 2, 4].map((i) => ({ n: 2, sum: r[i] + r[i + 1], sumSq: r[i] ** 2 + r[i + 1] ** 2 }));
    const mean = r.reduce((a, b) => a + b) / 6;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 5);
    expect(pooledSharpe(sums, [0, 1, 2])).toBeCloseTo(mean / sd, 12);
  });
});
