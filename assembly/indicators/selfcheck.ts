import { ld, st } from "../lib/arena";
import { sma } from "./sma";

// A kernel callable with numbers only, for hosts that cannot reserve and fill
// buffers first (wabt's spectest-interp, a shell script): it generates its
// own input and returns one number to compare. Its scratch space is static
// data, so it never touches the arena and never invalidates a host's buffers.

/** The longest series selfTest accepts. */
const MAX: i32 = 2048;
const SCRATCH: usize = memory.data(2 * 8 * MAX, 16);

/**
 * Fills x[i] = i % 100 for i < n, runs sma(x, period) and returns the sum of
 * the defined outputs (indices period - 1 .. n - 1). NaN when n or period is
 * out of range (n in 1..2048, period in 1..n).
 */
export function selfTest(n: i32, period: i32): f64 {
  if (n < 1 || n > MAX || period < 1 || period > n) return NaN;
  const src = SCRATCH;
  const dst = SCRATCH + (<usize>MAX << 3);
  for (let i = 0; i < n; i++) st(src, i, <f64>(i % 100));
  sma(src, dst, n, period);
  let sum = 0.0;
  for (let i = period - 1; i < n; i++) sum += ld(dst, i);
  return sum;
}

/** selfTest(1000, 20), for hosts that call only exports without parameters (wasm-interp --run-all-exports). */
export function selfCheck(): f64 {
  return selfTest(1000, 20);
}
