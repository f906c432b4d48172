// The statistics of pairs trading against hand computations and published
// tables, and the Engle–Granger test on seeded pairs.
import { describe, expect, it } from "vitest";
import { syntheticBars, syntheticPair } from "../../src/data/synthetic.ts";
import { adf, engleGranger, fitLine, KalmanHedge, mackinnonCritical } from "../../src/strategies/cointegration.ts";

const logs = (a: Float64Array) => Array.from(a, Math.log);

/** Least squares by modified Gram–Schmidt QR (a second method, not the normal equations): coefficients and RSS. */
function qrLeastSquares(rows: number[][], y: number[]): { coef: number[]; rss: number; rInvDiag0: number } {
  const m = rows.length;
  const k = rows[0].length;
  const q = Array.from({ length: k }, (_, j) => rows.map((r) => r[j]));
  const r = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      r[i][j] = q[i].reduce((s, v, t) => s + v * q[j][t], 0);
      for (let t = 0; t < m; t++) q[j][t] -= r[i][j] * q[i][t];
    }
    r[j][j] = Math.sqrt(q[j].reduce((s, v) => s + v * v, 0));
    for (let t = 0; t < m; t++) q[j][t] /= r[j][j];
  }
  const qty = q.map((col) => col.reduce((s, v, t) => s + v * y[t], 0));
  const coef = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) coef[i] = (qty[i] - r[i].reduce((s, v, j) => (j > i ? s + v * coef[j] : s), 0)) / r[i][i];
  const rss = y.reduce((s, v, t) => s + (v - rows[t].reduce((a, x, j) => a + x * coef[j], 0)) ** 2, 0);
  // (R'R)^-1 [0][0] = row 0 of R^-1, squared and summed.
  const rInv = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    rInv[j][j] = 1 / r[j][j];
    for (let i = j - 1; i >= 0; i--) rInv[i][j] = -r[i].reduce((s, v, l) => (l > i && l <= j ? s + v * rInv[l][j] : s), 0) / r[i][i];
  }
  return { coef, rss, rInvDiag0: rInv[0].reduce((s, v) => s + v * v, 0) };
}

describe("the ADF statistic", () => {
  // x = 1, 2, 0, 3, 1: Δx = 1, -2, 3, -2 on the lagged levels 1, 2, 0, 3.
  const x = [1, 2, 0, 3, 1];

  it("without a constant and lags is -9 / sqrt(57), by hand", () => {
    // γ = Σ Δx x₋₁ / Σ x₋₁² = (1 - 4 + 0 - 6) / 14 = -9/14; residuals 23/14, -10/14, 42/14, -1/14;
    // RSS = 2394/196, s² = RSS / (4 - 1) = 399/98; se = sqrt(s² / 14) = sqrt(399/1372); t = -9/14 / se = -9 / sqrt(57).
    const r = adf(x, { lags: 0, constant: false });
    expect(r.statistic).toBeCloseTo(-9 / Math.sqrt(57), 13);
    expect(r.nobs).toBe(4);
  });

  it("with a constant and no lags is -3 sqrt(2), by hand", () => {
    // Centred: mean x₋₁ = 1.5, mean Δx = 0; Sxy = -9, Sxx = 14 - 9 = 5; γ = -1.8, c = 2.7;
    // residuals 0.1, -1.1, 0.3, 0.7: RSS = 1.8, s² = 1.8 / (4 - 2) = 0.9; se = sqrt(0.9 / 5); t = -1.8 / sqrt(0.18) = -3 sqrt(2).
    expect(adf(x, { lags: 0, constant: true }).statistic).toBeCloseTo(-3 * Math.SQRT2, 13);
  });

  it("with lags equals least squares by QR on the same regression", () => {
    const series = logs(syntheticBars({ n: 300, seed: 5 }).close);
    for (const [lags, constant] of [[1, true], [3, true], [2, false]] as const) {
      const rows: number[][] = [];
      const dy: number[] = [];
      for (let t = lags + 1; t < series.length; t++) {
        rows.push([series[t - 1], ...Array.from({ length: lags }, (_, i) => series[t - 1 - i] - series[t - 2 - i]), ...(constant ? [1] : [])]);
        dy.push(series[t] - series[t - 1]);
      }
      const { coef, rss, rInvDiag0 } = qrLeastSquares(rows, dy);
      const expected = coef[0] / Math.sqrt((rss / (rows.length - rows[0].length)) * rInvDiag0);
      const got = adf(series, { lags, constant });
      expect(got.statistic).toBeCloseTo(expected, 9);
      expect(got.nobs).toBe(rows.length);
    }
  });
});

describe("MacKinnon's critical values", () => {
  it("agree with Fuller's Dickey–Fuller table (constant, T = 100 and 250) within its rounding and simulation error", () => {
    // Fuller (1976), Table 8.5.2, tau_mu: T = 100: -3.51 (1%), -2.89 (5%), -2.58 (10%); T = 250: -3.46, -2.88, -2.57.
    const fuller: [0.01 | 0.05 | 0.1, number, number][] = [
      [0.01, 100, -3.51], [0.05, 100, -2.89], [0.1, 100, -2.58], [0.01, 250, -3.46], [0.05, 250, -2.88], [0.1, 250, -2.57],
    ];
    for (const [level, T, value] of fuller) expect(Math.abs(mackinnonCritical(level, T) - value), `${level} at ${T}`).toBeLessThan(0.015);
  });

  it("give the published asymptotic values for two series, and grow more negative in small samples", () => {
    expect(mackinnonCritical(0.01, Infinity, 2)).toBe(-3.89644);
    expect(mackinnonCritical(0.05, Infinity, 2)).toBe(-3.33613);
    expect(mackinnonCritical(0.1, Infinity, 2)).toBe(-3.04445);
    expect(mackinnonCritical(0.05, 100, 2)).toBeCloseTo(-3.33613 - 6.1101 / 100 - 6.823 / 100 ** 2, 12);
    expect(mackinnonCritical(0.05, 50, 2)).toBeLessThan(mackinnonCritical(0.05, 500, 2));
  });
});

describe("the Engle–Granger test", () => {
  it("is the line fit by hand, then the ADF statistic of its residuals without a constant", () => {
    const y = [2, 3.5, 4, 6.5, 7, 8.5, 11, 11.5];
    const x = [1, 2, 2.5, 3, 4, 5, 5.5, 6];
    // Means 3.625 and 6.75; Sxx = 22.375, Sxy = 42.75: beta = 1.9106145..., alpha = 6.75 - beta 3.625.
    const beta = 42.75 / 22.375;
    const alpha = 6.75 - beta * 3.625;
    const fit = fitLine(y, x);
    expect(fit.beta).toBeCloseTo(beta, 13);
    expect(fit.alpha).toBeCloseTo(alpha, 13);
    const residuals = y.map((v, i) => v - alpha - beta * x[i]);
    const eg = engleGranger(y, x, { lags: 0 });
    expect(eg.statistic).toBeCloseTo(adf(residuals, { lags: 0, constant: false }).statistic, 12);
    expect(eg.critical).toBe(mackinnonCritical(0.05, 7, 2));
  });

  it("finds a seeded cointegrated pair's hedge ratio and rejects no cointegration in every seed", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const [a, b] = syntheticPair({ n: 1000, seed, beta: 1.5, alpha: 0.2 });
      const eg = engleGranger(logs(a.close), logs(b.close));
      expect(eg.cointegrated, `seed ${seed}`).toBe(true);
      expect(Math.abs(eg.beta - 1.5), `seed ${seed}`).toBeLessThan(0.1);
    }
  });

  it("does not reject on two independent random walks at 5% in most seeds (about 5% of them by design)", () => {
    let rejected = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const y = syntheticBars({ n: 500, seed, symbol: "Y" });
      const x = syntheticBars({ n: 500, seed: 10_000 + seed, symbol: "X" });
      if (engleGranger(logs(y.close), logs(x.close)).cointegrated) rejected++;
    }
    expect(rejected).toBeLessThanOrEqual(10);
  });
});

describe("the Kalman hedge ratio", () => {
  it("converges to a seeded pair's hedge ratio", () => {
    for (const seed of [3, 4, 5]) {
      const [a, b] = syntheticPair({ n: 1000, seed, beta: 0.8, alpha: 1 });
      const filter = new KalmanHedge(1e-6, 1e-3);
      for (let i = 0; i < 1000; i++) filter.update(Math.log(a.close[i]), Math.log(b.close[i]));
      expect(Math.abs(filter.beta - 0.8), `seed ${seed}`).toBeLessThan(0.1);
    }
  });
});
