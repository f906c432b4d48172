// C = act(A·B + bias + (accumulate ? C : 0)) in float32, row-major with row
// strides (lda, ldb, ldc in floats; columns contiguous). The twin is
// linear/gemm in src/neural/ops.ts (which sums in float64: the two agree to
// float32 rounding of the sums).
//
// Blocking: columns in panels of NC, depth in slices of KC, so the panel of B
// being used (KC x NC floats, 32 KiB) stays in L1/L2 while every row of A
// passes over it. Inside, tiles of 4 rows x 8 columns keep their 32 sums in
// eight v128 registers: per step of depth, two loads of B, four broadcasts of
// A, eight multiplies and eight adds. Edges use 4-wide and single columns and
// single rows, so any m, n, k works.
import { activate1, activate4 } from "./math";

const KC = 256;
const NC = 32;

// The sums start at zero and C and the bias are added after them: a small
// sum added once to a larger C (a residual) rounds once, where adding each
// product to C would round at C's scale every time.

// @ts-ignore: decorator
@inline function finish(s: v128, c: usize, fromC: bool, bias: usize): v128 {
  if (bias) s = f32x4.add(s, v128.load(bias));
  return fromC ? f32x4.add(v128.load(c), s) : s;
}

// @ts-ignore: decorator
@inline function finish1(s: f32, c: usize, fromC: bool, bias: usize): f32 {
  if (bias) s += load<f32>(bias);
  return fromC ? load<f32>(c) + s : s;
}

/** Four rows by eight columns; addresses and strides in bytes. */
// @ts-ignore: decorator
@inline function tile4x8(kb: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, fromC: bool, bias: usize): void {
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  const bias1 = bias ? bias + 16 : 0;
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  let pa = a, pb = b;
  const end = a + (<usize>kb << 2);
  while (pa < end) {
    const w0 = v128.load(pb), w1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    s00 = f32x4.add(s00, f32x4.mul(x, w0)); s01 = f32x4.add(s01, f32x4.mul(x, w1));
    x = v128.load32_splat(pa + lda);
    s10 = f32x4.add(s10, f32x4.mul(x, w0)); s11 = f32x4.add(s11, f32x4.mul(x, w1));
    x = v128.load32_splat(pa + 2 * lda);
    s20 = f32x4.add(s20, f32x4.mul(x, w0)); s21 = f32x4.add(s21, f32x4.mul(x, w1));
    x = v128.load32_splat(pa + 3 * lda);
    s30 = f32x4.add(s30, f32x4.mul(x, w0)); s31 = f32x4.add(s31, f32x4.mul(x, w1));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, finish(s00, c, fromC, bias)); v128.store(c + 16, finish(s01, c + 16, fromC, bias1));
  v128.store(c1, finish(s10, c1, fromC, bias)); v128.store(c1 + 16, finish(s11, c1 + 16, fromC, bias1));
  v128.store(c2, finish(s20, c2, fromC, bias)); v128.store(c2 + 16, finish(s21, c2 + 16, fromC, bias1));
  v128.store(c3, finish(s30, c3, fromC, bias)); v128.store(c3 + 16, finish(s31, c3 + 16, fromC, bias1));
}

/** Four rows by four columns. */
// @ts-ignore: decorator
@inline function tile4x4(kb: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, fromC: bool, bias: usize): void {
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let pa = a, pb = b;
  const end = a + (<usize>kb << 2);
  while (pa < end) {
    const w = v128.load(pb);
    s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(pa), w));
    s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(pa + lda), w));
    s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(pa + 2 * lda), w));
    s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(pa + 3 * lda), w));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, finish(s0, c, fromC, bias));
  v128.store(c1, finish(s1, c1, fromC, bias));
  v128.store(c2, finish(s2, c2, fromC, bias));
  v128.store(c3, finish(s3, c3, fromC, bias));
}

/** One row by four columns. */
// @ts-ignore: decorator
@inline function tile1x4(kb: i32, a: usize, b: usize, ldb: usize, c: usize, fromC: bool, bias: usize): void {
  let s = f32x4.splat(0);
  let pa = a, pb = b;
  const end = a + (<usize>kb << 2);
  while (pa < end) {
    s = f32x4.add(s, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, finish(s, c, fromC, bias));
}

/** One entry. */
// @ts-ignore: decorator
@inline function tile1x1(kb: i32, a: usize, b: usize, ldb: usize, c: usize, fromC: bool, bias: usize): void {
  let s: f32 = 0;
  let pa = a, pb = b;
  const end = a + (<usize>kb << 2);
  while (pa < end) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += 4;
    pb += ldb;
  }
  store<f32>(c, finish1(s, c, fromC, bias));
}

/** act applied in place to n values at p (a row's part of a panel, still in L1). */
function activateRange(p: usize, n: i32, act: i32): void {
  const end = p + (<usize>n << 2);
  for (; p + 16 <= end; p += 16) v128.store(p, activate4(v128.load(p), act));
  for (; p < end; p += 4) store<f32>(p, activate1(load<f32>(p), act));
}

/** Every row of A by one panel of columns [j0, j1) over one slice of depth; act (if any) on the finished rows. */
function panel(
  m: i32, j0: i32, j1: i32, kb: i32, a: usize, lda: usize, b: usize, ldb: usize,
  c: usize, ldc: usize, fromC: bool, bias: usize, act: i32,
): void {
  const width = j1 - j0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const ai = a + <usize>i * lda, ci = c + <usize>i * ldc;
    let j = j0;
    for (; j + 8 <= j1; j += 8) {
      const o = <usize>j << 2;
      tile4x8(kb, ai, lda, b + o, ldb, ci + o, ldc, fromC, bias ? bias + o : 0);
    }
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      tile4x4(kb, ai, lda, b + o, ldb, ci + o, ldc, fromC, bias ? bias + o : 0);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      for (let r: usize = 0; r < 4; r++) tile1x1(kb, ai + r * lda, b + o, ldb, ci + r * ldc + o, fromC, bias ? bias + o : 0);
    }
    if (act) for (let r: usize = 0; r < 4; r++) activateRange(ci + r * ldc + (<usize>j0 << 2), width, act);
  }
  for (; i < m; i++) {
    const ai = a + <usize>i * lda, ci = c + <usize>i * ldc;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      tile1x4(kb, ai, b + o, ldb, ci + o, fromC, bias ? bias + o : 0);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      tile1x1(kb, ai, b + o, ldb, ci + o, fromC, bias ? bias + o : 0);
    }
    if (act) activateRange(ci + (<usize>j0 << 2), width, act);
  }
}

/**
 * C[m, n] = act(A[m, k]·B[k, n] + bias + (accumulate ? C : 0)); bias (n
 * values) is optional (0). act: 0 none, 1 relu, 2 gelu, 3 tanh, 4 sigmoid,
 * applied once, after the last slice of depth. C must not overlap A or B.
 */
export function gemm(
  m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  bias: usize, act: i32, accumulate: bool,
): void {
  const ldaB = <usize>lda << 2, ldbB = <usize>ldb << 2, ldcB = <usize>ldc << 2;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = min(j0 + NC, n);
    for (let p0 = 0; p0 < k || p0 == 0; p0 += KC) {
      const kb = min(KC, k - p0);
      const first = p0 == 0;
      const last = p0 + kb >= k;
      panel(
        m, j0, j1, kb, a + (<usize>p0 << 2), ldaB, b + <usize>p0 * ldbB, ldbB, c, ldcB,
        !first || accumulate, first ? bias : 0, last ? act : 0,
      );
    }
  }
}
