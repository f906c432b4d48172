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
