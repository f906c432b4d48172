// Central finite differences for the backward checks. The forward runs in
// float32 (as it does in use), so the step is the one float32 actually took
// (fround(v ± eps) − v) and the probe loss Σ R⊙Y is summed in float64.
import { expect } from "vitest";
import type { Random } from "../../src/core/random.ts";

export function randomArray(rng: Random, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * rng.uniform() - 1) * scale;
  return a;
}

/** Σ r⊙y in float64: the scalar whose gradient w.r.t. y is r. */
export function probe(y: Float32Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

export interface GradCheckOptions {
  eps?: number;
  /** Allowed |numeric − analytic| relative to max(1, max |analytic|) over the checked entries. */
  tol?: number;
  /** Check only these indices (all when absent). */
  indices?: number[];
  /**
   * For piecewise-linear nets (ReLU, max-pool): skip an entry whose one-sided
   * differences disagree by more than the tolerance (the loss bends within
   * the step, as at a kink, so the central difference is no reference there),
   * allowing at most 2% of entries to be skipped. A wrong gradient where the
   * loss is straight keeps its one-sided differences equal, so it is still
   * caught.
   */
  kinks?: boolean;
}

/**
 * Compares `analytic` (dL/dvalues) with central differences of `loss` taken by
 * perturbing `values` in place; returns the largest scaled error found.
 */
export function checkGradient(
  label: string, values: Float32Array, analytic: Float32Array, loss: () => number, opts: GradCheckOptions = {},
): number {
  const eps = opts.eps ?? 1e-2;
  const tol = opts.tol ?? 1e-3;
  const indices = opts.indices ?? [...values.keys()];
  let scale = 1;
  for (const i of indices) scale = Math.max(scale, Math.abs(analytic[i]));
  let worst = 0;
  let skipped = 0;
  const base = opts.kinks ? loss() : 0;
  for (const i of indices) {
    const v = values[i];
    values[i] = v + eps;
    const up = values[i] - v;
    const lossUp = loss();
    values[i] = v - eps;
    const down = values[i] - v;
    const lossDown = loss();
    values[i] = v;
    if (opts.kinks && Math.abs((lossUp - base) / up - (lossDown - base) / down) > tol * scale) {
      skipped++;
      continue;
    }
    const numeric = (lossUp - lossDown) / (up - down);
    const err = Math.abs(numeric - analytic[i]) / scale;
    worst = Math.max(worst, err);
    expect(err, `${label}[${i}]: numeric ${numeric}, analytic ${analytic[i]}`).toBeLessThanOrEqual(tol);
  }
  expect(indices.length, `${label}: nothing checked`).toBeGreaterThan(0);
  expect(skipped, `${label}: ${skipped} of ${indices.length} entries sit on a kink`).toBeLessThanOrEqual(0.02 * indices.length);
  return worst;
}

/** `count` distinct indices below n, drawn from rng (all of them when n ≤ count). */
export function sampleIndices(rng: Random, n: number, count: number): number[] {
  if (n <= count) return [...Array(n).keys()];
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(rng.uniform() * n));
  return [...chosen].sort((a, b) => a - b);
}
