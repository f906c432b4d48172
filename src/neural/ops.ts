/**
 * The neural ops of the shared contract (NEURAL-OPS.md) in plain TypeScript on
 * Float32Array, with their backward passes. These are the CPU reference the
 * WGSL kernels and the ONNX export are checked against, and the CPU path
 * the models run on. Tensors are row-major, batch first; every op takes its
 * sizes explicitly and writes into `out` when given (allocating otherwise).
 *
 * Backward passes write input gradients (overwriting) and add parameter
 * gradients (+=), so a parameter used several times (an LSTM's weights at
 * every step) collects all its contributions in one buffer.
 */

export type Activation = "none" | "relu" | "gelu" | "tanh" | "sigmoid";

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

export function sigmoid(x: number): number {
  // exp overflows to Infinity for x < -88 and 1/Infinity is 0: no NaN either way.
  return 1 / (1 + Math.exp(-x));
}

// Math.tanh saturates to ±1 without overflow, so tanh and gelu never give NaN for finite x.
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_A * x * x * x)));
}

function geluDerivative(x: number): number {
  const t = Math.tanh(GELU_C * (x + GELU_A * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_A * x * x);
}

/** act(z) for one value. */
export function activate(act: Activation, z: number): number {
  switch (act) {
    case "none": return z;
    // biome-ignore lint/complexity/useMathMinMax: NaN maps to 0 here; Math.max would propagate it.
    case "relu": return z > 0 ? z : 0;
    case "gelu": return gelu(z);
    case "tanh": return Math.tanh(z);
    case "sigmoid": return sigmoid(z);
  }
}

/** d act(z) / dz. */
export function activationDerivative(act: Activation, z: number): number {
  switch (act) {
    case "none": return 1;
    case "relu": return z > 0 ? 1 : 0;
    case "gelu": return geluDerivative(z);
    case "tanh": { const t = Math.tanh(z); return 1 - t * t; }
    case "sigmoid": { const s = sigmoid(z); return s * (1 - s); }
  }
}

/**
 * C (+)= A·B for strided matrices: C[i, j] at c[cOff + i·crs + j], A[i, k] at
 * a[aOff + i·ars + k·acs], B[k, j] at b[bOff + k·brs + j·bcs]. Strides let
 * one routine serve X·W, dZ·Wᵀ, Xᵀ·dZ and the attention heads' column
 * slices without copies. Tiles of 4×4 outputs are summed in registers
 * (float64, rounded once to float32 on the store: within the contract's
 * 1e-4), which is what makes it 3-4x faster than the plain triple loop.
 */
export function gemm(
  m: number, n: number, depth: number,
  a: Float32Array, aOff: number, ars: number, acs: number,
  b: Float32Array, bOff: number, brs: number, bcs: number,
  c: Float32Array, cOff: number, crs: number, accumulate: boolean,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      let pa = aOff + i * ars, pb = bOff + j * bcs;
      for (let k = 0; k < depth; k++, pa += acs, pb += brs) {
        const w0 = b[pb], w1 = b[pb + bcs], w2 = b[pb + 2 * bcs], w3 = b[pb + 3 * bcs];
        let v = a[pa];
        a0 += v * w0; a1 += v * w1; a2 += v * w2; a3 += v * w3;
        v = a[pa + ars];
        b0 += v * w0; b1 += v * w1; b2 += v * w2; b3 += v * w3;
        v = a[pa + 2 * ars];
        c0 += v * w0; c1 += v * w1; c2 += v * w2; c3 += v * w3;
        v = a[pa + 3 * ars];
        d0 += v * w0; d1 += v * w1; d2 += v * w2; d3 += v * w3;
      }
      const o = cOff + i * crs + j;
      store4(c, o, accumulate, a0, a1, a2, a3);
      store4(c, o + crs, accumulate, b0, b1, b2, b3);
      store4(c, o + 2 * crs, accumulate, c0, c1, c2, c3);
      store4(c, o + 3 * crs, accumulate, d0, d1, d2, d3);
    }
    for (let r = i; r < i + 4; r++) for (let jj = j; jj < n; jj++) gemmDot(depth, a, aOff + r * ars, acs, b, bOff + jj * bcs, brs, c, cOff + r * crs + jj, accumulate);
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) gemmDot(depth, a, aOff + i * ars, acs, b, bOff + j * bcs, brs, c, cOff + i * crs + j, accumulate);
}

function store4(c: Float32Array, o: number, accumulate: boolean, v0: number, v1: number, v2: number, v3: number): void {
  if (accumulate) {
    c[o] += v0; c[o + 1] += v1; c[o + 2] += v2; c[o + 3] += v3;
  } else {
    c[o] = v0; c[o + 1] = v1; c[o + 2] = v2; c[o + 3] = v3;
  }
}

/** One entry of gemm outside the 4×4 tiles. */
function gemmDot(
  depth: number, a: Float32Array, pa: number, acs: number, b: Float32Array, pb: number, brs: number,
  c: Float32Array, o: number, accumulate: boolean,
): void {
  let s = 0;
  for (let k = 0; k < depth; k++, pa += acs, pb += brs) s += a[pa] * b[pb];
  c[o] = accumulate ? c[o] + s : s;
}

/** act applied in place to v[0, n). */
function activateInPlace(act: Activation, v: Float32Array, n: number): void {
  switch (act) {
    case "none": return;
    case "relu": for (let i = 0; i < n; i++) if (!(v[i] > 0)) v[i] = 0; return;
    case "gelu": for (let i = 0; i < n; i++) v[i] = gelu(v[i]); return;
    case "tanh": for (let i = 0; i < n; i++) v[i] = Math.tanh(v[i]); return;
    case "sigmoid": for (let i = 0; i < n; i++) v[i] = sigmoid(v[i]); return;
  }
}

/**
 * Y[rows, outDim] = act(X[rows, inDim] · W[inDim, outDim] + b). When `pre` is
 * given it receives X·W + b before the activation (what the backward needs).
 */
export function linear(
  x: Float32Array, w: Float32Array, b: Float32Array | null, rows: number, inDim: number, outDim: number,
  act: Activation = "none", out = new Float32Array(rows * outDim), pre?: Float32Array,
): Float32Array {
  if (b) for (let r = 0; r < rows; r++) out.set(b, r * outDim);
  gemm(rows, outDim, inDim, x, 0, inDim, 1, w, 0, outDim, 1, out, 0, outDim, b !== null);
  const n = rows * outDim;
  if (pre) pre.set(out.subarray(0, n));
  activateInPlace(act, out, n);
  return out;
}

/**
 * The backward of `linear`, from the pre-activation `pre` and the output
 * gradient `dy`: dX = dZ·Wᵀ (written when dx is given), dW += Xᵀ·dZ,
 * db += Σ_rows dZ, where dZ = dy ⊙ act'(pre).
 */
export function linearBackward(
  x: Float32Array, w: Float32Array, pre: Float32Array | null, dy: Float32Array,
  rows: number, inDim: number, outDim: number, act: Activation,
  dx: Float32Array | null, dw: Float32Array, db: Float32Array | null,
): void {
  let dz = dy;
  if (act !== "none") {
    if (!pre) throw new Error(`linearBackward: the pre-activation is needed for act "${act}"`);
    dz = new Float32Array(rows * outDim);
    for (let i = 0; i < dz.length; i++) dz[i] = dy[i] * activationDerivative(act, pre[i]);
  }
  if (dx) gemm(rows, inDim, outDim, dz, 0, outDim, 1, w, 0, 1, outDim, dx, 0, inDim, false);
  gemm(inDim, outDim, rows, x, 0, 1, inDim, dz, 0, outDim, 1, dw, 0, outDim, true);
  if (db) {
    for (let r = 0; r < rows; r++) for (let j = 0; j < outDim; j++) db[j] += dz[r * outDim + j];
  }
}

/** Y[B, ceil(L/k)]: the max of each window of k (stride k, the last window possibly shorter). */
export function maxPool1d(x: Float32Array, batch: number, length: number, k: number, out?: Float32Array): Float32Array {
  const m = Math.ceil(length / k);
  const y = out ?? new Float32Array(batch * m);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < m; o++) {
      const start = b * length + o * k;
      const end = b * length + Math.min((o + 1) * k, length);
      let best = x[start];
      for (let i = start + 1; i < end; i++) if (x[i] > best) best = x[i];
      y[b * m + o] = best;
    }
  }
  return y;
}

/** dX of maxPool1d: each window's gradient goes to its (first) maximum. */
export function maxPool1dBackward(
  x: Float32Array, dy: Float32Array, batch: number, length: number, k: number,
  dx = new Float32Array(batch * length),
): Float32Array {
  const m = Math.ceil(length / k);
  dx.fill(0, 0, batch * length);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < m; o++) {
      const start = b * length + o * k;
      const end = b * length + Math.min((o + 1) * k, length);
      let arg = start;
      for (let i = start + 1; i < end; i++) if (x[i] > x[arg]) arg = i;
      dx[arg] += dy[b * m + o];
    }
  }
  return dx;
}

/** For output j of a linear resize from m to h points: the two source indices and the weight of the second. */
function interpolationPoint(j: number, m: number, h: number): [number, number, number] {
  const src = Math.max(((j + 0.5) * m) / h - 0.5, 0);
  const i0 = Math.floor(src);
  const i1 = Math.min(i0 + 1, m - 1);
  return [i0, i1, src - i0];
}

/** Y[B, h] from X[B, m]: PyTorch's F.interpolate(mode="linear", align_corners=False). */
export function interpolateLinear(x: Float32Array, batch: number, m: number, h: number, out?: Float32Array): Float32Array {
  const y = out ?? new Float32Array(batch * h);
  for (let j = 0; j < h; j++) {
    const [i0, i1, w] = interpolationPoint(j, m, h);
    for (let b = 0; b < batch; b++) y[b * h + j] = (1 - w) * x[b * m + i0] + w * x[b * m + i1];
  }
  return y;
}

/** dX of interpolateLinear (written, not added). */
export function interpolateLinearBackward(
  dy: Float32Array, batch: number, m: number, h: number, dx = new Float32Array(batch * m),
): Float32Array {
  dx.fill(0, 0, batch * m);
  for (let j = 0; j < h; j++) {
    const [i0, i1, w] = interpolationPoint(j, m, h);
    for (let b = 0; b < batch; b++) {
      dx[b * m + i0] += (1 - w) * dy[b * h + j];
      dx[b * m + i1] += w * dy[b * h + j];
    }
  }
  return dx;
}

/**
 * One LSTM step for a batch: z = x·Wx + h·Wh + b with gates [i | f | g | o]
 * along 4H; c' = f⊙c + i⊙g, h' = o⊙tanh(c'). `gates`, when given, receives
 * the activated gates [B, 4H] for the backward.
 */
export function lstmCell(
  x: Float32Array, h: Float32Array, c: Float32Array, wx: Float32Array, wh: Float32Array, bias: Float32Array,
  batch: number, inDim: number, hidden: number,
  hOut = new Float32Array(batch * hidden), cOut = new Float32Array(batch * hidden),
  gates = new Float32Array(batch * 4 * hidden),
): void {
  const g4 = 4 * hidden;
  linear(x, wx, bias, batch, inDim, g4, "none", gates);
  gemm(batch, g4, hidden, h, 0, hidden, 1, wh, 0, g4, 1, gates, 0, g4, true);
  for (let r = 0; r < batch; r++) {
    const zo = r * g4;
    const ho = r * hidden;
    for (let j = 0; j < hidden; j++) {
      const i = sigmoid(gates[zo + j]);
      const f = sigmoid(gates[zo + hidden + j]);
      const g = Math.tanh(gates[zo + 2 * hidden + j]);
      const o = sigmoid(gates[zo + 3 * hidden + j]);
      gates[zo + j] = i;
      gates[zo + hidden + j] = f;
      gates[zo + 2 * hidden + j] = g;
      gates[zo + 3 * hidden + j] = o;
      const cNew = f * c[ho + j] + i * g;
      cOut[ho + j] = cNew;
      hOut[ho + j] = o * Math.tanh(cNew);
    }
  }
}

/**
 * The backward of lstmCell from its saved gates, the previous c and the new
 * c', given dh' and dc' (the gradient reaching c' from the next step). Writes
 * dx, dh (for the previous h) and dc (for the previous c); adds to dWx, dWh, db.
 */
export function lstmCellBackward(
  x: Float32Array, h: Float32Array, c: Float32Array, cNew: Float32Array, gates: Float32Array,
  wx: Float32Array, wh: Float32Array, dhNew: Float32Array, dcNew: Float32Array,
  batch: number, inDim: number, hidden: number,
  dx: Float32Array | null, dh: Float32Array, dc: Float32Array, dwx: Float32Array, dwh: Float32Array, db: Float32Array,
): void {
  const g4 = 4 * hidden;
  const dz = new Float32Array(batch * g4);
  for (let r = 0; r < batch; r++) {
    const zo = r * g4;
    const ho = r * hidden;
    for (let j = 0; j < hidden; j++) {
      const i = gates[zo + j], f = gates[zo + hidden + j], g = gates[zo + 2 * hidden + j], o = gates[zo + 3 * hidden + j];
      const tc = Math.tanh(cNew[ho + j]);
      const dcTotal = dcNew[ho + j] + dhNew[ho + j] * o * (1 - tc * tc);
      dz[zo + j] = dcTotal * g * i * (1 - i);
      dz[zo + hidden + j] = dcTotal * c[ho + j] * f * (1 - f);
      dz[zo + 2 * hidden + j] = dcTotal * i * (1 - g * g);
      dz[zo + 3 * hidden + j] = dhNew[ho + j] * tc * o * (1 - o);
      dc[ho + j] = dcTotal * f;
    }
  }
  linearBackward(x, wx, null, dz, batch, inDim, g4, "none", dx, dwx, db);
  linearBackward(h, wh, null, dz, batch, hidden, g4, "none", dh, dwh, null);
}

/** Layer norm over the last axis (population variance). `stats`, when given, receives [mean, 1/σ] per row. */
export function layerNorm(
  x: Float32Array, gamma: Float32Array, beta: Float32Array, rows: number, n: number, eps = 1e-5,
  out = new Float32Array(rows * n), stats?: Float32Array,
): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x[o + j];
    mean /= n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (x[o + j] - mean) * (x[o + j] - mean);
    variance /= n;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let j = 0; j < n; j++) out[o + j] = (x[o + j] - mean) * inv * gamma[j] + beta[j];
    if (stats) { stats[2 * r] = mean; stats[2 * r + 1] = inv; }
  }
  return out;
}

/** The backward of layerNorm from the saved [mean, 1/σ]: writes dx, adds dγ and dβ. */
export function layerNormBackward(
  x: Float32Array, gamma: Float32Array, stats: Float32Array, dy: Float32Array, rows: number, n: number,
  dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    const mean = stats[2 * r], inv = stats[2 * r + 1];
    let sumG = 0, sumGX = 0;
    for (let j = 0; j < n; j++) {
      const xhat = (x[o + j] - mean) * inv;
      const g = dy[o + j] * gamma[j];
      sumG += g;
      sumGX += g * xhat;
      dgamma[j] += dy[o + j] * xhat;
      dbeta[j] += dy[o + j];
    }
    for (let j = 0; j < n; j++) {
      const xhat = (x[o + j] - mean) * inv;
      dx[o + j] = inv * (dy[o + j] * gamma[j] - sumG / n - xhat * sumGX / n);
    }
  }
}

/** Softmax over the last axis, max-subtracted. */
export function softmax(x: Float32Array, rows: number, n: number, out = new Float32Array(rows * n)): Float32Array {
  for (let r = 0; r < rows; r++) softmaxRow(x, r * n, n, out);
  return out;
}

function softmaxRow(x: Float32Array, o: number, n: number, out: Float32Array): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (x[o + j] > max) max = x[o + j];
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(x[o + j] - max);
    out[o + j] = e;
    sum += e;
  }
  for (let j = 0; j < n; j++) out[o + j] /= sum;
}

/** dX of softmax from its output y: dx = y ⊙ (dy − Σ y⊙dy). */
export function softmaxBackward(y: Float32Array, dy: Float32Array, rows: number, n: number, dx = new Float32Array(rows * n)): Float32Array {
  for (let r = 0; r < rows; r++) softmaxRowBackward(y, dy, r * n, n, dx);
  return dx;
}

function softmaxRowBackward(y: Float32Array, dy: Float32Array, o: number, n: number, dx: Float32Array): void {
  let dot = 0;
  for (let j = 0; j < n; j++) dot += y[o + j] * dy[o + j];
  for (let j = 0; j < n; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
}

/**
 * Multi-head scaled dot-product attention: Q, K, V [B, T, D], heads h (D % h
 * == 0); per head the columns [k·d, (k+1)·d). `probs`, when given, receives
 * the softmax weights [B, h, T, T] for the backward.
 */
export function attention(
  q: Float32Array, k: Float32Array, v: Float32Array, batch: number, steps: number, dim: number, heads: number,
  causal = false, out = new Float32Array(batch * steps * dim), probs = new Float32Array(batch * heads * steps * steps),
): Float32Array {
  const d = dim / heads;
  if (!Number.isInteger(d)) throw new Error(`attention: model width ${dim} is not a multiple of ${heads} heads`);
  const scale = 1 / Math.sqrt(d);
  const tt = steps * steps;
  for (let b = 0; b < batch; b++) {
    for (let hd = 0; hd < heads; hd++) {
      const po = (b * heads + hd) * tt;
      const ho = b * steps * dim + hd * d; // the head's column slice in Q, K, V and the output
      gemm(steps, steps, d, q, ho, dim, 1, k, ho, 1, dim, probs, po, steps, false); // S = Q_h·K_hᵀ
      for (let t = 0; t < steps; t++) {
        const row = po + t * steps;
        for (let s = 0; s < steps; s++) probs[row + s] = causal && s > t ? -Infinity : probs[row + s] * scale;
        softmaxRow(probs, row, steps, probs);
      }
      gemm(steps, d, steps, probs, po, steps, 1, v, ho, dim, 1, out, ho, dim, false); // O_h = P·V_h
    }
  }
  return out;
}

/** The backward of attention from its saved softmax weights: writes dQ, dK, dV. */
export function attentionBackward(
  q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, dout: Float32Array,
  batch: number, steps: number, dim: number, heads: number,
  dq: Float32Array, dk: Float32Array, dv: Float32Array,
): void {
  const d = dim / heads;
  const scale = 1 / Math.sqrt(d);
  const tt = steps * steps;
  const ds = new Float32Array(tt);
  for (let b = 0; b < batch; b++) {
    for (let hd = 0; hd < heads; hd++) {
      const po = (b * heads + hd) * tt;
      const ho = b * steps * dim + hd * d;
      gemm(steps, d, steps, probs, po, 1, steps, dout, ho, dim, 1, dv, ho, dim, false); // dV_h = Pᵀ·dO_h
      gemm(steps, steps, d, dout, ho, dim, 1, v, ho, 1, dim, ds, 0, steps, false); // dP = dO_h·V_hᵀ
      // dS = P ⊙ (dP − Σ P⊙dP) row by row (the softmax backward), times the score scale.
      for (let t = 0; t < steps; t++) {
        const row = t * steps;
        let dot = 0;
        for (let s = 0; s < steps; s++) dot += probs[po + row + s] * ds[row + s];
        for (let s = 0; s < steps; s++) ds[row + s] = probs[po + row + s] * (ds[row + s] - dot) * scale;
      }
      gemm(steps, d, steps, ds, 0, steps, 1, k, ho, dim, 1, dq, ho, dim, false); // dQ_h = dS·K_h
      gemm(steps, d, steps, ds, 0, 1, steps, q, ho, dim, 1, dk, ho, dim, false); // dK_h = dSᵀ·Q_h
    }
  }
}

/** X + Y elementwise. */
export function add(x: Float32Array, y: Float32Array, out = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
  return out;
}

/** The sinusoidal encoding [steps, dim]: PE[t, 2i] = sin(t / 10000^(2i/dim)), PE[t, 2i+1] = cos(same). */
export function positionalEncoding(steps: number, dim: number): Float32Array {
  const pe = new Float32Array(steps * dim);
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < dim; j += 2) {
      const angle = t / Math.pow(10000, j / dim);
      pe[t * dim + j] = Math.sin(angle);
      if (j + 1 < dim) pe[t * dim + j + 1] = Math.cos(angle);
    }
  }
  return pe;
}
