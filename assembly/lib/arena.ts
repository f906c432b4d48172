// Caller-owned scratch memory. The host reserves its buffers once and reuses
// them; kernels themselves never allocate.

export function reserve(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Frees every reserved buffer at once; all earlier addresses become invalid. */
export function resetArena(): void {
  heap.reset();
}

// @ts-ignore: decorator
@inline export function ld(ptr: usize, i: i32): f64 {
  return load<f64>(ptr + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline export function st(ptr: usize, i: i32, v: f64): void {
  store<f64>(ptr + (<usize>i << 3), v);
}

/** Writes NaN to dst[from, to): the not-yet-defined head of an output. */
export function fillNaN(dst: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) st(dst, i, NaN);
}

/**
 * The index of the first NaN or infinite value in src[0, n), or -1. One pass
 * at memory speed: x - x is 0 for finite x and NaN otherwise, and NaN
 * survives the sums, so the exact index is searched only when one exists.
 */
export function firstNonFinite(src: usize, n: i32): i32 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(src + (<usize>i << 3));
    const y = v128.load(src + (<usize>(i + 2) << 3));
    a = f64x2.add(a, f64x2.sub(x, x));
    b = f64x2.add(b, f64x2.sub(y, y));
  }
  let tail = 0.0;
  for (; i < n; i++) tail += ld(src, i) - ld(src, i);
  const sum = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1) + f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1) + tail;
  if (sum == 0) return -1;
  for (let j = 0; j < n; j++) {
    const v = ld(src, j);
    if (v - v != 0) return j;
  }
  return -1;
}
