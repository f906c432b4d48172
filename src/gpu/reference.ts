// Plain TypeScript twins of the WGSL kernels, written straight from the
// neural layer contract in float64: the reference the GPU outputs are
// compared with. Row-major, contiguous; sizes passed explicitly.
import type { Activation } from "./programs.ts";

type Values = ArrayLike<number>;

export function activate(x: number, activation: Activation): number {
  switch (activation) {
    case "none": return x;
    case "relu": return Math.max(x, 0);
    case "gelu": return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    case "tanh": return Math.tanh(x);
    case "sigmoid": return 1 / (1 + Math.exp(-x));
  }
}

/** C[batch, M, N] = act(A[batch, M, K] · B + bias), B [batch, K, N], or [K, N] shared when `sharedB`. */
export function matmul(
  a: Values, b: Values, bias: Values | null, [batch, m, k, n]: readonly number[], activation: Activation = "none", sharedB = true,
): Float64Array {
  const c = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const bOff = sharedB ? 0 : p * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = bias ? bias[j] : 0;
        for (let t = 0; t < k; t++) s += a[(p * m + i) * k + t] * b[bOff + t * n + j];
        c[(p * m + i) * n + j] = activate(s, activation);
      }
    }
  }
  return c;
}

/** Y[B, N] = act(X[B, K] · W[K, N] + b). */
export function linear(x: Values, w: Values, b: Values | null, rows: number, k: number, n: number, activation: Activation = "none"): Float64Array {
  return matmul(x, w, b, [1, rows, k, n], activation);
}

/** [rows, ceil(len/k)]: stride = kernel = k, the last window may be shorter. */
export function maxPool1d(x: Values, rows: number, len: number, kernel: number): Float64Array {
  const outLen = Math.ceil(len / kernel);
  const y = new Float64Array(rows * outLen);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outLen; j++) {
      let m = -Infinity;
      for (let t = j * kernel; t < Math.min((j + 1) * kernel, len); t++) m = Math.max(m, x[r * len + t]);
      y[r * outLen + j] = m;
    }
  }
  return y;
}

/**
 * [rows, h] from [rows, m]: PyTorch F.interpolate(mode="linear", align_corners=False).
 * The source position is rounded to float32 at each step as PyTorch's float
 * kernel computes it (scale = m/h, then scale·(j + 0.5) − 0.5): positions in
 * float64 would differ by up to an f32 ulp of the position, which, times the
 * step between neighbours, exceeds 1e-4 relative on values near zero.
 */
export function interpolateLinear(x: Values, rows: number, m: number, h: number): Float64Array {
  const f32 = Math.fround;
  const scale = f32(m / h);
  const y = new Float64Array(rows * h);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < h; j++) {
      const src = Math.max(f32(f32(scale * (j + 0.5)) - 0.5), 0);
      const i0 = Math.floor(src);
      const i1 = Math.min(i0 + 1, m - 1);
      const w = src - i0;
      y[r * h + j] = (1 - w) * x[r * m + i0] + w * x[r * m + i1];
    }
  }
  return y;
}

/** One LSTM step, gates [i | f | g | o]: z = x·Wx + h·Wh + b; c' = σ(f)c + σ(i)tanh(g); h' = σ(o)tanh(c'). */
export function lstmCell(
  x: Values, h: Values, c: Values, wx: Values, wh: Values, b: Values, rows: number, input: number, hidden: number,
): { h: Float64Array; c: Float64Array } {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const z = matmul(x, wx, b, [1, rows, input, 4 * hidden]);
  const zh = matmul(h, wh, null, [1, rows, hidden, 4 * hidden]);
  const hOut = new Float64Array(rows * hidden);
  const cOut = new Float64Array(rows * hidden);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < hidden; j++) {
      const gate = (g: number) => z[r * 4 * hidden + g * hidden + j] + zh[r * 4 * hidden + g * hidden + j];
      const cNext = sigmoid(gate(1)) * c[r * hidden + j] + sigmoid(gate(0)) * Math.tanh(gate(2));
      cOut[r * hidden + j] = cNext;
      hOut[r * hidden + j] = sigmoid(gate(3)) * Math.tanh(cNext);
    }
  }
  return { h: hOut, c: cOut };
}

/** Over the last axis of [rows, n], population variance. */
export function layerNorm(x: Values, gamma: Values, beta: Values, rows: number, n: number, eps = 1e-5): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x[r * n + j] / n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (x[r * n + j] - mean) ** 2 / n;
    for (let j = 0; j < n; j++) y[r * n + j] = ((x[r * n + j] - mean) / Math.sqrt(variance + eps)) * gamma[j] + beta[j];
  }
  return y;
}

/** Over the last axis of [rows, n], max-subtracted. */
export function softmax(x: Values, rows: number, n: number): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, x[r * n + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[r * n + j] - max);
    for (let j = 0; j < n; j++) y[r * n + j] = Math.exp(x[r * n + j] - max) / sum;
  }
  return y;
}

/** Multi-head attention over Q, K, V [batch, t, d]: per head, softmax(Q_h K_hᵀ/√dh) V_h, causal optional. */
export function attention(
  q: Values, k: Values, v: Values, batch: number, t: number, d: number, heads: number, causal = false,
): Float64Array {
  const dh = d / heads;
  const o = new Float64Array(batch * t * d);
  const at = (p: number, row: number, col: number) => (p * t + row) * d + col;
  for (let p = 0; p < batch; p++) {
    for (let hd = 0; hd < heads; hd++) {
      for (let i = 0; i < t; i++) {
        const keys = causal ? i + 1 : t;
        const s = new Float64Array(keys);
        for (let j = 0; j < keys; j++) {
          for (let c = 0; c < dh; c++) s[j] += q[at(p, i, hd * dh + c)] * k[at(p, j, hd * dh + c)];
          s[j] /= Math.sqrt(dh);
        }
        const w = softmax(s, 1, keys);
        for (let c = 0; c < dh; c++) {
          let acc = 0;
          for (let j = 0; j < keys; j++) acc += w[j] * v[at(p, j, hd * dh + c)];
          o[at(p, i, hd * dh + c)] = acc;
        }
      }
    }
  }
  return o;
}
