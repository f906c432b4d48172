import { describe, expect, it } from "vitest";
import {
  type Activation, activate, attention, gemm, attentionBackward, gelu, interpolateLinear, interpolateLinearBackward,
  layerNorm, layerNormBackward, linear, linearBackward, lstmCell, lstmCellBackward, maxPool1d, maxPool1dBackward,
  positionalEncoding, sigmoid, softmax, softmaxBackward,
} from "../../src/neural/ops.ts";
import { Random } from "../../src/core/random.ts";
import { checkGradient, probe, randomArray } from "./gradcheck.ts";

// Gradient checks: central differences with eps = 1e-2 on the float32 forward,
// the probe loss Σ R⊙Y summed in float64; every entry must agree with the
// analytic gradient to 1e-3 of max(1, the largest analytic entry).

const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `[${i}]: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
};

describe("activations", () => {
  it("gelu is the tanh approximation, sigmoid and tanh stay finite at any size", () => {
    // 0.5·1·(1 + tanh(√(2/π)·1.044715)), by hand: tanh(0.8335565) = 0.6823843.
    expect(gelu(1)).toBeCloseTo(0.8411920, 6);
    expect(gelu(-3)).toBeCloseTo(-0.0036373, 6);
    for (const x of [-1e4, -100, 100, 1e4]) {
      expect(Number.isNaN(sigmoid(x))).toBe(false);
      expect(Number.isNaN(activate("tanh", x))).toBe(false);
      expect(Number.isNaN(activate("gelu", x))).toBe(false);
    }
    expect(sigmoid(-1e4)).toBe(0);
    expect(sigmoid(1e4)).toBe(1);
    expect(activate("tanh", -1e4)).toBe(-1);
  });
});

describe("gemm", () => {
  it("matches the triple loop for strided, transposed and odd-sized operands, writing or adding", () => {
    const rng = new Random(9);
    for (const [m, n, depth] of [[1, 1, 1], [4, 4, 4], [5, 7, 3], [9, 6, 11], [3, 13, 8]]) {
      // A given transposed (stored [depth, m]), B plain [depth, n], C with 2 spare columns per row.
      const a = randomArray(rng, depth * m), b = randomArray(rng, depth * n);
      const crs = n + 2;
      const c = randomArray(rng, m * crs);
      const before = c.slice();
      gemm(m, n, depth, a, 0, 1, m, b, 0, n, 1, c, 0, crs, true);
      const written = c.slice();
      gemm(m, n, depth, a, 0, 1, m, b, 0, n, 1, written, 0, crs, false);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < crs; j++) {
          let s = 0;
          for (let k = 0; k < depth; k++) s += a[k * m + i] * b[k * n + j];
          const o = i * crs + j;
          if (j >= n) {
            expect(c[o]).toBe(before[o]);
            continue;
          }
          expect(c[o]).toBeCloseTo(before[o] + s, 5);
          expect(written[o]).toBeCloseTo(s, 5);
        }
      }
    }
  });
});

describe("linear", () => {
  it("computes act(X·W + b) with W stored [in, out]", () => {
    // X = [[1, 2], [-1, 0]], W = [[1, -1, 0], [2, 0.5, -3]], b = [0.5, 0, 1]
    const x = Float32Array.of(1, 2, -1, 0);
    const w = Float32Array.of(1, -1, 0, 2, 0.5, -3);
    const b = Float32Array.of(0.5, 0, 1);
    close(linear(x, w, b, 2, 2, 3), [5.5, 0, -5, -0.5, 1, 1]);
    close(linear(x, w, b, 2, 2, 3, "relu"), [5.5, 0, 0, 0, 1, 1]);
    close(linear(x, w, null, 2, 2, 3, "sigmoid"), [1 / (1 + Math.exp(-5)), 0.5, 1 / (1 + Math.exp(6)), 1 / (1 + Math.exp(1)), 1 / (1 + Math.exp(-1)), 0.5]);
  });

  for (const act of ["none", "relu", "gelu", "tanh", "sigmoid"] as Activation[]) {
    it(`backward with act ${act} matches finite differences for X, W and b`, () => {
      const rng = new Random(1);
      const [rows, inDim, outDim] = [3, 4, 5];
      const x = randomArray(rng, rows * inDim), w = randomArray(rng, inDim * outDim), b = randomArray(rng, outDim);
      const r = randomArray(rng, rows * outDim);
      const pre = new Float32Array(rows * outDim);
      linear(x, w, b, rows, inDim, outDim, act, undefined, pre);
      const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(b.length);
      linearBackward(x, w, pre, r, rows, inDim, outDim, act, dx, dw, db);
      const loss = () => probe(linear(x, w, b, rows, inDim, outDim, act), r);
      // ReLU's kink: a step of 1e-3 stays on one side for these inputs (|pre| > 1e-3 below).
      const eps = act === "relu" ? 1e-3 : 1e-2;
      if (act === "relu") expect(Math.min(...pre.map(Math.abs))).toBeGreaterThan(1e-3);
      checkGradient("dX", x, dx, loss, { eps, tol: act === "relu" ? 3e-3 : 1e-3 });
      checkGradient("dW", w, dw, loss, { eps, tol: act === "relu" ? 3e-3 : 1e-3 });
      checkGradient("db", b, db, loss, { eps, tol: act === "relu" ? 3e-3 : 1e-3 });
    });
  }

  it("adds parameter gradients to what the buffers hold", () => {
    const x = Float32Array.of(1, 2), w = Float32Array.of(3, 4), dy = Float32Array.of(1);
    const dw = Float32Array.of(10, 10), db = Float32Array.of(5);
    linearBackward(x, w, null, dy, 1, 2, 1, "none", null, dw, db);
    close(dw, [11, 12]);
    close(db, [6]);
  });
});

describe("maxPool1d", () => {
  it("takes the max of windows of k with stride k, the last window shorter (ceil mode)", () => {
    close(maxPool1d(Float32Array.of(1, 3, 2, 5, 4), 1, 5, 2), [3, 5, 4]);
    close(maxPool1d(Float32Array.of(1, 3, 2, -5, -4, -6), 2, 3, 2), [3, 2, -4, -6]);
    close(maxPool1d(Float32Array.of(7, 8, 9), 1, 3, 1), [7, 8, 9]);
  });

  it("backward routes each window's gradient to its maximum, as finite differences say", () => {
    const rng = new Random(2);
    const [batch, length, k] = [3, 7, 3];
    const x = randomArray(rng, batch * length);
    const r = randomArray(rng, batch * Math.ceil(length / k));
    const dx = maxPool1dBackward(x, r, batch, length, k);
    checkGradient("dX", x, dx, () => probe(maxPool1d(x, batch, length, k), r), { eps: 1e-3, tol: 1e-3 });
  });
});

describe("interpolateLinear", () => {
  it("matches PyTorch F.interpolate(mode='linear', align_corners=False)", () => {
    // torch.nn.functional.interpolate(torch.tensor([[[1., 2.]]]), size=4, mode="linear") → [1, 1.25, 1.75, 2]
    close(interpolateLinear(Float32Array.of(1, 2), 1, 2, 4), [1, 1.25, 1.75, 2]);
    // size 5 from [0, 1, 2]: sources -0.2 (clamped to 0), 0.4, 1.0, 1.6, 2.2 (clamped to the last point)
    close(interpolateLinear(Float32Array.of(0, 1, 2), 1, 3, 5), [0, 0.4, 1, 1.6, 2]);
    // downsampling [1, 2, 3, 4] to 2: sources 0.5 and 2.5
    close(interpolateLinear(Float32Array.of(1, 2, 3, 4), 1, 4, 2), [1.5, 3.5]);
    close(interpolateLinear(Float32Array.of(3, -1), 2, 1, 3), [3, 3, 3, -1, -1, -1]);
  });

  it("backward matches finite differences", () => {
    const rng = new Random(3);
    for (const [m, h] of [[3, 8], [8, 3], [1, 4], [4, 4]]) {
      const x = randomArray(rng, 2 * m), r = randomArray(rng, 2 * h);
      const dx = interpolateLinearBackward(r, 2, m, h);
      checkGradient(`dX ${m}→${h}`, x, dx, () => probe(interpolateLinear(x, 2, m, h), r));
    }
  });
});

describe("lstmCell", () => {
  const [batch, inDim, hidden] = [2, 3, 4];
  const setup = () => {
    const rng = new Random(4);
    return {
      rng,
      x: randomArray(rng, batch * inDim), h: randomArray(rng, batch * hidden), c: randomArray(rng, batch * hidden),
      wx: randomArray(rng, inDim * 4 * hidden), wh: randomArray(rng, hidden * 4 * hidden), b: randomArray(rng, 4 * hidden),
    };
  };

  it("follows the gate equations in PyTorch order [i | f | g | o]", () => {
    const { x, h, c, wx, wh, b } = setup();
    const hOut = new Float32Array(batch * hidden), cOut = new Float32Array(batch * hidden);
    lstmCell(x, h, c, wx, wh, b, batch, inDim, hidden, hOut, cOut);
    // float64, one unit at a time, straight from the equations
    const gate = (r: number, which: number, j: number) => {
      let z = b[which * hidden + j];
      for (let k = 0; k < inDim; k++) z += x[r * inDim + k] * wx[k * 4 * hidden + which * hidden + j];
      for (let k = 0; k < hidden; k++) z += h[r * hidden + k] * wh[k * 4 * hidden + which * hidden + j];
      return z;
    };
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < hidden; j++) {
        const i = 1 / (1 + Math.exp(-gate(r, 0, j))), f = 1 / (1 + Math.exp(-gate(r, 1, j)));
        const g = Math.tanh(gate(r, 2, j)), o = 1 / (1 + Math.exp(-gate(r, 3, j)));
        const cNew = f * c[r * hidden + j] + i * g;
        expect(cOut[r * hidden + j]).toBeCloseTo(cNew, 6);
        expect(hOut[r * hidden + j]).toBeCloseTo(o * Math.tanh(cNew), 6);
      }
    }
  });

  it("backward matches finite differences for x, h, c and every weight, through both h' and c'", () => {
    const { rng, x, h, c, wx, wh, b } = setup();
    const rh = randomArray(rng, batch * hidden), rc = randomArray(rng, batch * hidden);
    const hOut = new Float32Array(batch * hidden), cOut = new Float32Array(batch * hidden);
    const gates = new Float32Array(batch * 4 * hidden);
    lstmCell(x, h, c, wx, wh, b, batch, inDim, hidden, hOut, cOut, gates);
    const dx = new Float32Array(x.length), dh = new Float32Array(h.length), dc = new Float32Array(c.length);
    const dwx = new Float32Array(wx.length), dwh = new Float32Array(wh.length), db = new Float32Array(b.length);
    lstmCellBackward(x, h, c, cOut, gates, wx, wh, rh, rc, batch, inDim, hidden, dx, dh, dc, dwx, dwh, db);
    const loss = () => {
      const ho = new Float32Array(batch * hidden), co = new Float32Array(batch * hidden);
      lstmCell(x, h, c, wx, wh, b, batch, inDim, hidden, ho, co);
      return probe(ho, rh) + probe(co, rc);
    };
    checkGradient("dx", x, dx, loss);
    checkGradient("dh", h, dh, loss);
    checkGradient("dc", c, dc, loss);
    checkGradient("dWx", wx, dwx, loss);
    checkGradient("dWh", wh, dwh, loss);
    checkGradient("db", b, db, loss);
  });
});

describe("layerNorm", () => {
  it("normalizes each row with the population variance, then scales and shifts", () => {
    const inv = 1 / Math.sqrt(2 / 3 + 1e-5);
    close(layerNorm(Float32Array.of(1, 2, 3), Float32Array.of(1, 1, 1), Float32Array.of(0, 0, 0), 1, 3), [-inv, 0, inv]);
    close(layerNorm(Float32Array.of(1, 2, 3), Float32Array.of(2, 1, 1), Float32Array.of(0, 5, 0), 1, 3), [-2 * inv, 5, inv]);
  });

  it("backward matches finite differences for x, γ and β", () => {
    const rng = new Random(5);
    const [rows, n] = [3, 6];
    const x = randomArray(rng, rows * n, 2), gamma = randomArray(rng, n), beta = randomArray(rng, n), r = randomArray(rng, rows * n);
    const stats = new Float32Array(2 * rows);
    layerNorm(x, gamma, beta, rows, n, 1e-5, undefined, stats);
    const dx = new Float32Array(x.length), dg = new Float32Array(n), dbeta = new Float32Array(n);
    layerNormBackward(x, gamma, stats, r, rows, n, dx, dg, dbeta);
    const loss = () => probe(layerNorm(x, gamma, beta, rows, n), r);
    checkGradient("dx", x, dx, loss);
    checkGradient("dγ", gamma, dg, loss);
    checkGradient("dβ", beta, dbeta, loss);
  });
});

describe("softmax", () => {
  it("normalizes each row and survives large values", () => {
    const e = [1, Math.E, Math.E * Math.E];
    const s = e[0] + e[1] + e[2];
    close(softmax(Float32Array.of(1, 2, 3), 1, 3), e.map((v) => v / s));
    close(softmax(Float32Array.of(1000, 1001, 1002, -1000, -1000, -1000), 2, 3), [...e.map((v) => v / s), 1 / 3, 1 / 3, 1 / 3]);
  });

  it("backward matches finite differences", () => {
    const rng = new Random(6);
    const x = randomArray(rng, 12, 2), r = randomArray(rng, 12);
    const dx = softmaxBackward(softmax(x, 3, 4), r, 3, 4);
    checkGradient("dx", x, dx, () => probe(softmax(x, 3, 4), r));
  });
});

describe("attention", () => {
  const [batch, steps, dim, heads] = [2, 5, 6, 3];

  /** float64, head by head from the definition: slice, S = QKᵀ/√d, softmax, S·V, concatenate. */
  function reference(q: Float32Array, k: Float32Array, v: Float32Array, causal: boolean): number[] {
    const d = dim / heads;
    const out = new Array<number>(batch * steps * dim).fill(0);
    for (let b = 0; b < batch; b++) {
      for (let hd = 0; hd < heads; hd++) {
        const at = (m: Float32Array, t: number, j: number) => m[(b * steps + t) * dim + hd * d + j];
        for (let t = 0; t < steps; t++) {
          const scores = Array.from({ length: steps }, (_, s) => {
            if (causal && s > t) return -Infinity;
            let dot = 0;
            for (let j = 0; j < d; j++) dot += at(q, t, j) * at(k, s, j);
            return dot / Math.sqrt(d);
          });
          const max = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - max));
          const sum = e.reduce((a, c) => a + c, 0);
          for (let j = 0; j < d; j++) {
            out[(b * steps + t) * dim + hd * d + j] = e.reduce((acc, w, s) => acc + (w / sum) * at(v, s, j), 0);
          }
        }
      }
    }
    return out;
  }

  for (const causal of [false, true]) {
    it(`matches the per-head definition${causal ? " with a causal mask" : ""}, and its backward matches finite differences`, () => {
      const rng = new Random(causal ? 8 : 7);
      const n = batch * steps * dim;
      const q = randomArray(rng, n), k = randomArray(rng, n), v = randomArray(rng, n), r = randomArray(rng, n);
      const probs = new Float32Array(batch * heads * steps * steps);
      const out = attention(q, k, v, batch, steps, dim, heads, causal, undefined, probs);
      close(out, reference(q, k, v, causal), 1e-5);
      const dq = new Float32Array(n), dk = new Float32Array(n), dv = new Float32Array(n);
      attentionBackward(q, k, v, probs, r, batch, steps, dim, heads, dq, dk, dv);
      const loss = () => probe(attention(q, k, v, batch, steps, dim, heads, causal), r);
      checkGradient("dQ", q, dq, loss);
      checkGradient("dK", k, dk, loss);
      checkGradient("dV", v, dv, loss);
    });
  }
});

describe("positionalEncoding", () => {
  it("is sin at even and cos at odd columns of t / 10000^(2i/D)", () => {
    const pe = positionalEncoding(3, 4);
    close(pe.subarray(0, 4), [0, 1, 0, 1]);
    close(pe.subarray(4, 8), [Math.sin(1), Math.cos(1), Math.sin(1 / 100), Math.cos(1 / 100)]);
    close(pe.subarray(8, 12), [Math.sin(2), Math.cos(2), Math.sin(2 / 100), Math.cos(2 / 100)]);
  });
});
