/**
 * A plain array of `n` slots whose storage holds unboxed doubles from the
 * start, for the caller to fill. `new Array(n)` starts with storage for
 * small integers, and the first fractional value stored makes V8 allocate
 * and convert all of it again: for a 1M-point curve that doubled the memory
 * touched and the time. A one-double literal grown to `n` gets double
 * storage of that size at once.
 */
export function doubleArray(n: number): number[] {
  const out = [0.5];
  out.length = n;
  return out;
}
