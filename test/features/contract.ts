// The contract every indicator keeps: the streaming form, a streaming run
// with replace() revisions, the TS twin and the WASM kernel agree.
import { expect } from "vitest";

export interface Streaming {
  add(...input: number[]): number;
  replace(...input: number[]): number;
}

/**
 * Feeds rows (one input tuple per bar) to a fresh streaming instance and
 * returns its outputs. With `revise`, every bar is first added with a wrong
 * value and then replaced by the right one, which must end in the same numbers.
 */
export function runStreaming(make: () => Streaming, rows: number[][], revise = false): Float64Array {
  const s = make();
  const out = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    if (revise) {
      s.add(...row.map((v) => v * 1.01 + 1));
      out[i] = s.replace(...row);
    } else {
      out[i] = s.add(...row);
    }
  });
  return out;
}

/** Rows of inputs from columns: rowsOf(high, low, close)[i] = [high[i], low[i], close[i]]. */
export function rowsOf(...cols: Float64Array[]): number[][] {
  return Array.from({ length: cols[0].length }, (_, i) => cols.map((c) => c[i]));
}

/** Two series agree to `rel` where both are defined and are NaN at the same places. */
export function expectAgree(a: Float64Array, b: Float64Array, rel = 1e-12): void {
  expect(a.length).toBe(b.length);
  let compared = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i]) || Number.isNaN(a[i])) {
      expect(Number.isNaN(a[i]), `index ${i}: ${a[i]} vs ${b[i]}`).toBe(Number.isNaN(b[i]));
    } else {
      expect(Math.abs(a[i] - b[i]), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b[i])));
      compared++;
    }
  }
  // Two all-NaN series agree trivially: that is a test of nothing unless the caller says so.
  expect(compared, "no defined values were compared").toBeGreaterThan(0);
}
