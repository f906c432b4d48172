import { ld, st } from "../lib/arena";
import { computeMoments, kurtosis, mean, m2, skewness } from "./moments";
import { dnorm, qnorm } from "./normal";
import { historicalOf } from "./select";

/**
 * VaR and ES at tail probability alpha (= 1 - confidence) as returns, by the
 * PerformanceAnalytics methods (twin: src/risk/var.ts). NaN is skipped.
 * `scratch` holds n values. out = [historical VaR, ES, gaussian VaR, ES,
 * modified VaR, ES].
 */
export function tailRisk(src: usize, scratch: usize, n: i32, alpha: f64, out: usize): void {
  historical(src, scratch, n, alpha, out);

  // Gaussian, with the population sd.
  computeMoments(src, n);
  const z = qnorm(alpha);
  const sd = Math.sqrt(m2);
  st(out, 2, mean + z * sd);
  st(out, 3, mean - (dnorm(z) * sd) / alpha);

  // Cornish-Fisher VaR; PA's operational ES (operES.CornishFisher), never above the VaR.
  const s = skewness();
  const k = kurtosis();
  const h = z + ((z * z - 1.0) * s) / 6.0 + ((z * z * z - 3.0 * z) * k) / 24.0 - ((2.0 * z * z * z - 5.0 * z) * s * s) / 36.0;
  const h2 = h * h;
  const e = (dnorm(h) * (1.0 + (h2 * h * s) / 6.0 + ((h2 * h2 * h2 - 9.0 * h2 * h2 + 9.0 * h2 + 3.0) * s * s) / 72.0 +
    ((h2 * h2 - 2.0 * h2 - 1.0) * k) / 24.0)) / alpha;
  st(out, 4, mean + h * sd);
  st(out, 5, mean + sd * Math.min(-e, h));
}

/**
 * Historical VaR (R's type-7 quantile) and ES (mean of the returns strictly
 * below it) by selection on a copy of the present values in `scratch`: O(n),
 * no sort. out = [VaR, ES].
 */
export function historical(src: usize, scratch: usize, n: i32, alpha: f64, out: usize): void {
  let m: i32 = 0;
  for (let i = 0; i < n; i++) {
    const v = ld(src, i);
    if (!isNaN(v)) st(scratch, m++, v);
  }
  historicalOf(scratch, m, alpha, out);
}
