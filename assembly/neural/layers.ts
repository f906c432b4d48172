// The layers around the matmuls, float32, for the models' inference passes
// (src/neural/kernel-models.ts). Twins in src/neural/ops.ts: lstmCell,
// attention (with its softmax), layerNorm, maxPool1d; copy2d and tokenEmbed
// are the data movement the TypeScript passes do with plain loops.
import { gemm } from "./gemm";
import { exp4, sigmoid4, tanh4 } from "./math";

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/**
 * One LSTM step after its matmuls: gates [batch, 4H] (row stride ldg) hold
 * z = x·Wx + h·Wh + b as [i | f | g | o]; c [batch, H] is updated in place to
 * f⊙c + i⊙g, and h' = o⊙tanh(c') is written at h (row stride ldh).
 */
export function lstmCell(gates: usize, ldg: i32, c: usize, h: usize, ldh: i32, batch: i32, hidden: i32): void {
  for (let r = 0; r < batch; r++) {
    const zi = at(gates, r * ldg), zf = at(zi, hidden), zg = at(zf, hidden), zo = at(zg, hidden);
    const cr = at(c, r * hidden), hr = at(h, r * ldh);
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const o = <usize>j << 2;
      const cNew = f32x4.add(
        f32x4.mul(sigmoid4(v128.load(zf + o)), v128.load(cr + o)),
        f32x4.mul(sigmoid4(v128.load(zi + o)), tanh4(v128.load(zg + o))),
      );
      v128.store(cr + o, cNew);
      v128.store(hr + o, f32x4.mul(sigmoid4(v128.load(zo + o)), tanh4(cNew)));
    }
    for (; j < hidden; j++) {
      const o = <usize>j << 2;
      const cNew = lane0(sigmoid4(v128.load32_splat(zf + o))) * load<f32>(cr + o) +
        lane0(sigmoid4(v128.load32_splat(zi + o))) * lane0(tanh4(v128.load32_splat(zg + o)));
      store<f32>(cr + o, cNew);
      store<f32>(hr + o, lane0(sigmoid4(v128.load32_splat(zo + o))) * lane0(tanh4(f32x4.splat(cNew))));
    }
  }
}

/** The largest of n values at p. */
function rowMax(p: usize, n: i32): f32 {
  let j = 0;
  let best = f32x4.splat(-Infinity);
  for (; j + 4 <= n; j += 4) best = f32x4.pmax(best, v128.load(at(p, j)));
  let m = max(max(f32x4.extract_lane(best, 0), f32x4.extract_lane(best, 1)), max(f32x4.extract_lane(best, 2), f32x4.extract_lane(best, 3)));
  for (; j < n; j++) m = max(m, load<f32>(at(p, j)));
  return m;
}

/** softmax(scale·x) over n values at p, in place (max-subtracted). */
function softmaxRow(p: usize, n: i32, scale: f32): void {
  const top = f32x4.splat(rowMax(p, n));
  const s = f32x4.splat(scale);
  let sum = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const e = exp4(f32x4.mul(f32x4.sub(v128.load(at(p, j)), top), s));
    v128.store(at(p, j), e);
    sum = f32x4.add(sum, e);
  }
  let total = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
  for (; j < n; j++) {
    const e = lane0(exp4(f32x4.mul(f32x4.sub(v128.load32_splat(at(p, j)), top), s)));
    store<f32>(at(p, j), e);
    total += e;
  }
  const inv = f32x4.splat(1 / total);
  j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(p, j), f32x4.mul(v128.load(at(p, j)), inv));
  for (; j < n; j++) store<f32>(at(p, j), load<f32>(at(p, j)) * (1 / total));
}

/**
 * Multi-head scaled dot-product attention, not causal. Each row of qkv
 * (stride ld) holds a token's [Q | K | V], each `dim` wide; head k owns
 * columns [k·d, (k+1)·d) of each. Writes [batch·steps, dim] at out (row
 * stride ldo). scratch: d·steps + steps·steps floats (Kᵀ of one head and its
 * weights).
 */
export function attention(
  qkv: usize, ld: i32, out: usize, ldo: i32, batch: i32, steps: i32, dim: i32, heads: i32, scratch: usize,
): void {
  const d = dim / heads;
  const scale = <f32>(1 / Math.sqrt(<f64>d));
  const kt = scratch;
  const probs = at(scratch, d * steps);
  for (let b = 0; b < batch; b++) {
    const rows = at(qkv, b * steps * ld);
    for (let hd = 0; hd < heads; hd++) {
      const q = at(rows, hd * d), k = at(q, dim), v = at(k, dim);
      // Kᵀ [d, steps], so the scores are a plain matmul with contiguous columns.
      for (let t = 0; t < steps; t++) {
        for (let p = 0; p < d; p++) store<f32>(at(kt, p * steps + t), load<f32>(at(k, t * ld + p)));
      }
      gemm(steps, steps, d, q, ld, kt, steps, probs, steps, 0, 0, false);
      for (let t = 0; t < steps; t++) softmaxRow(at(probs, t * steps), steps, scale);
      gemm(steps, d, steps, probs, steps, v, ld, at(out, b * steps * ldo + hd * d), ldo, 0, 0, false);
    }
  }
}

/** Layer norm over rows of n (population variance); out may be x. */
export function layerNorm(x: usize, gamma: usize, beta: usize, out: usize, rows: i32, n: i32, eps: f32): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * n), yr = at(out, r * n);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, v128.load(at(xr, j)));
    let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; j < n; j++) sum += load<f32>(at(xr, j));
    const mean = sum / <f32>n;
    const m4 = f32x4.splat(mean);
    acc = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const dev = f32x4.sub(v128.load(at(xr, j)), m4);
      acc = f32x4.add(acc, f32x4.mul(dev, dev));
    }
    let sq = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; j < n; j++) {
      const dev = load<f32>(at(xr, j)) - mean;
      sq += dev * dev;
    }
    const inv = <f32>(1 / Math.sqrt(<f64>(sq / <f32>n + eps)));
    const i4 = f32x4.splat(inv);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(xr, j)), m4), i4);
      v128.store(at(yr, j), f32x4.add(f32x4.mul(xhat, v128.load(at(gamma, j))), v128.load(at(beta, j))));
    }
    for (; j < n; j++) store<f32>(at(yr, j), (load<f32>(at(xr, j)) - mean) * inv * load<f32>(at(gamma, j)) + load<f32>(at(beta, j)));
  }
}

/** Y[batch, ceil(length / k)]: the max of each window of k (stride k; the last window possibly shorter). */
export function maxPool1d(x: usize, out: usize, batch: i32, length: i32, k: i32): void {
  const m = (length + k - 1) / k;
  for (let b = 0; b < batch; b++) {
    const xr = at(x, b * length);
    for (let o = 0; o < m; o++) {
      const end = min((o + 1) * k, length);
      let best = load<f32>(at(xr, o * k));
      for (let i = o * k + 1; i < end; i++) {
        const v = load<f32>(at(xr, i));
        if (v > best) best = v;
      }
      store<f32>(at(out, b * m + o), best);
    }
  }
}

/** dst[r·drs + c] = src[r·srs + c·scs] for r < rows, c < cols (scs = 0 repeats one value along the row). */
export function copy2d(src: usize, srs: i32, scs: i32, dst: usize, drs: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(at(dst, r * drs + c), load<f32>(at(src, r * srs + c * scs)));
  }
}

/**
 * Tokens of a one-feature sequence: out[r, :] = x[r]·w + table[r mod steps, :]
 * for count·steps rows of dim, where table holds a bias plus each step's
 * positional encoding.
 */
export function tokenEmbed(x: usize, w: usize, table: usize, out: usize, count: i32, steps: i32, dim: i32): void {
  for (let r = 0; r < count * steps; r++) {
    const xr = f32x4.splat(load<f32>(at(x, r)));
    const tr = at(table, (r % steps) * dim), yr = at(out, r * dim);
    let j = 0;
    for (; j + 4 <= dim; j += 4) v128.store(at(yr, j), f32x4.add(f32x4.mul(xr, v128.load(at(w, j))), v128.load(at(tr, j))));
    for (; j < dim; j++) store<f32>(at(yr, j), f32x4.extract_lane(xr, 0) * load<f32>(at(w, j)) + load<f32>(at(tr, j)));
  }
}
