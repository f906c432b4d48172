// Every GPU op against its CPU twin (src/neural/ops.ts, the one CPU reference) on seeded random inputs of awkward sizes
// (not multiples of the 16x16 matmul tile or the 64-thread workgroups,
// batch > 1, attention longer than one 64-key chunk). Runtime-free: the Node
// tests, the Deno script and the Chromium page all run these same cases.
import type { GpuExecutor, GpuTensor } from "../../src/gpu/executor.ts";
import * as gpu from "../../src/gpu/ops.ts";
import type { Activation } from "../../src/gpu/programs.ts";
import * as cpu from "../../src/neural/ops.ts";
import { Adam, maeLoss } from "../../src/neural/train.ts";

/** Relative tolerance of every comparison (float32 accumulation against a float64 reference). */
export const REL = 1e-4;
/**
 * The denominator's floor: an output near 0 is compared absolutely, to
 * REL × FLOOR = 1e-6, since a sum of O(1) float32 terms that cancels to near
 * 0 keeps its absolute rounding error (~1e-7 per term), not a relative one.
 */
export const FLOOR = 1e-2;

export interface Output {
  readonly name: string;
  readonly actual: Float32Array;
  readonly expected: ArrayLike<number>;
}

export interface OpCase {
  readonly name: string;
  run(ex: GpuExecutor): Promise<Output[]>;
}

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  /** Largest |actual − expected| / max(|expected|, FLOOR) over the case's outputs. */
  readonly worst: number;
  readonly detail: string;
}

/** A seeded generator of uniform floats in [lo, hi) (mulberry32). */
export function random(seed: number): (n: number, lo?: number, hi?: number) => Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return (n, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}

export function compare({ name, actual, expected }: Output): { worst: number; detail: string } {
  if (actual.length !== expected.length) return { worst: Infinity, detail: `${name}: length ${actual.length}, expected ${expected.length}` };
  let worst = 0;
  let detail = "";
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), FLOOR);
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      detail = `${name}[${i}] = ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return { worst, detail };
}

export async function runCase(ex: GpuExecutor, c: OpCase): Promise<CaseResult> {
  const compared = (await c.run(ex)).map(compare);
  const worst = compared.reduce((a, b) => (b.worst > a.worst ? b : a));
  return { name: c.name, ok: worst.worst <= REL, worst: worst.worst, detail: worst.detail };
}

export async function runAll(ex: GpuExecutor, cases: readonly OpCase[] = CASES): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(ex, c));
  return results;
}

/** Reads every output, then releases every tensor the case made (inputs included). */
/** C[p] = act(A[p] · B + bias) for each of `batch` matrices; B [K, N] shared, or [batch, K, N]. */
function batchedMatmul(
  a: Float32Array, b: Float32Array, bias: Float32Array | null, [batch, m, k, n]: number[], activation: Activation = "none", sharedB = true,
): Float32Array {
  const c = new Float32Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const bp = sharedB ? b : b.subarray(p * k * n, (p + 1) * k * n);
    cpu.linear(a.subarray(p * m * k, (p + 1) * m * k), bp, bias, m, k, n, activation, c.subarray(p * m * n, (p + 1) * m * n));
  }
  return c;
}

async function readAll(ex: GpuExecutor, outputs: [string, GpuTensor, ArrayLike<number>][], temps: GpuTensor[]): Promise<Output[]> {
  const read: Output[] = [];
  for (const [name, tensor, expected] of outputs) read.push({ name, actual: await ex.read(tensor), expected });
  for (const t of [...temps, ...outputs.map(([, t]) => t)]) t.release();
  return read;
}

function linearCase(activation: Activation, [rows, k, n]: number[], scale: number, seed: number): OpCase {
  return {
    name: `linear ${activation} [${rows}, ${k}] · [${k}, ${n}]${scale === 1 ? "" : ` inputs ×${scale}`}`,
    async run(ex) {
      const r = random(seed);
      const x = r(rows * k, -scale, scale);
      const w = r(k * n, -1 / Math.sqrt(k), 1 / Math.sqrt(k));
      const b = r(n);
      const [tx, tw, tb] = [ex.upload(x, [rows, k]), ex.upload(w, [k, n]), ex.upload(b, [n])];
      const y = gpu.linear(ex, tx, tw, tb, activation);
      return readAll(ex, [["y", y, cpu.linear(x, w, b, rows, k, n, activation)]], [tx, tw, tb]);
    },
  };
}

function attentionCase([batch, t, d]: number[], heads: number, causal: boolean, seed: number): OpCase {
  return {
    name: `attention [${batch}, ${t}, ${d}] heads ${heads}${causal ? " causal" : ""}`,
    async run(ex) {
      const r = random(seed);
      const [q, k, v] = [r(batch * t * d, -2, 2), r(batch * t * d, -2, 2), r(batch * t * d)];
      const tensors = [q, k, v].map((a) => ex.upload(a, [batch, t, d]));
      const o = gpu.attention(ex, tensors[0], tensors[1], tensors[2], heads, causal);
      return readAll(ex, [["o", o, cpu.attention(q, k, v, batch, t, d, heads, causal)]], tensors);
    },
  };
}

/** The [P, C, R] transpose of x [P, R, C]. */
function transposed(x: Float32Array, p: number, r: number, c: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let q = 0; q < p; q++) for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y[q * r * c + j * r + i] = x[q * r * c + i * c + j];
  return y;
}

/** The ops the backward passes and the optimizer use, against src/neural's backward and Adam. */
const BACKWARD_CASES: OpCase[] = [
  // K = 33 takes the tiled kernel, K = 20 the direct one (ops.matmul).
  ...[33, 20].map((k, i): OpCase => ({
    name: `matmul transA [${k}, 21]ᵀ · [${k}, 18] and transB [21, ${k}] · [18, ${k}]ᵀ + bias, tanh`,
    async run(ex) {
      const r = random(200 + i);
      const [at, b, a, bt, bias] = [r(k * 21), r(k * 18), r(21 * k), r(18 * k), r(18)];
      const t = [ex.upload(at, [k, 21]), ex.upload(b, [k, 18]), ex.upload(a, [21, k]), ex.upload(bt, [18, k]), ex.upload(bias)];
      const c1 = gpu.matmul(ex, t[0], t[1], { transA: true });
      const c2 = gpu.matmul(ex, t[2], t[3], { transB: true, bias: t[4], activation: "tanh" });
      return readAll(ex, [
        ["Aᵀ·B", c1, cpu.linear(transposed(at, 1, k, 21), b, null, 21, k, 18)],
        ["tanh(A·Bᵀ + bias)", c2, cpu.linear(a, transposed(bt, 1, 18, k), bias, 21, k, 18, "tanh")],
      ], t);
    },
  })),
  {
    name: "matmul batched, direct (K 9): [3, 10, 9] · [3, 9, 7] and · shared [9, 7] + bias",
    async run(ex) {
      const r = random(205);
      const [a, b, shared, bias] = [r(3 * 10 * 9), r(3 * 9 * 7), r(9 * 7), r(7)];
      const t = [ex.upload(a, [3, 10, 9]), ex.upload(b, [3, 9, 7]), ex.upload(shared, [9, 7]), ex.upload(bias)];
      return readAll(ex, [
        ["batched", gpu.matmul(ex, t[0], t[1]), batchedMatmul(a, b, null, [3, 10, 9, 7], "none", false)],
        ["shared", gpu.matmul(ex, t[0], t[2], { bias: t[3], activation: "gelu" }), batchedMatmul(a, shared, bias, [3, 10, 9, 7], "gelu")],
      ], t);
    },
  },
  {
    name: "axpby broadcast [3, 7, 5] + [7, 5] and scaled, transpose [3, 7, 5], columnSum [70, 37]",
    async run(ex) {
      const r = random(201);
      const [a, b, m] = [r(3 * 7 * 5), r(7 * 5), r(70 * 37)];
      const t = [ex.upload(a, [3, 7, 5]), ex.upload(b, [7, 5]), ex.upload(m, [70, 37])];
      const sums = new Float32Array(37);
      for (let i = 0; i < 70; i++) for (let j = 0; j < 37; j++) sums[j] += m[i * 37 + j];
      return readAll(ex, [
        ["a + b", gpu.axpby(ex, t[0], t[1]), a.map((v, i) => v + b[i % 35])],
        ["2a − 0.5b", gpu.axpby(ex, t[0], t[1], 2, -0.5), a.map((v, i) => 2 * v - 0.5 * b[i % 35])],
        ["−a", gpu.axpby(ex, t[0], null, -1), a.map((v) => -v)],
        ["transpose", gpu.transpose(ex, t[0]), transposed(a, 3, 7, 5)],
        ["columnSum", gpu.columnSum(ex, t[2]), sums],
      ], t);
    },
  },
  {
    name: "activation and activationGrad for every activation, maeGrad and maeLoss [9, 13]",
    async run(ex) {
      const r = random(202);
      const [dy, pre, target] = [r(9 * 13), r(9 * 13, -4, 4), r(9 * 13, -4, 4)];
      const t = [ex.upload(dy, [9, 13]), ex.upload(pre, [9, 13]), ex.upload(target, [9, 13])];
      const outputs: [string, GpuTensor, ArrayLike<number>][] = (["none", "relu", "gelu", "tanh", "sigmoid"] as const).map((act) => [
        `${act}'`, gpu.activationGrad(ex, t[0], t[1], act), dy.map((g, i) => g * cpu.activationDerivative(act, pre[i])),
      ]);
      for (const act of ["relu", "gelu", "tanh", "sigmoid"] as const) {
        outputs.push([act, gpu.activation(ex, t[1], act), pre.map((z) => cpu.activate(act, z))]);
      }
      const dLoss = new Float32Array(9 * 13);
      const loss = maeLoss(pre, target, dLoss);
      outputs.push(["maeGrad", gpu.maeGrad(ex, t[1], t[2]), dLoss], ["maeLoss", gpu.maeLoss(ex, t[1], t[2]), [loss]]);
      return readAll(ex, outputs, t);
    },
  },
  ...[[5, 23, 4], [3, 64, 2], [2, 9, 30]].map(([rows, len, k], i): OpCase => ({
    name: `maxPool1dBackward [${rows}, ${len}] k ${k}`,
    async run(ex) {
      const r = random(210 + i);
      const x = r(rows * len, -5, 5);
      const dy = r(rows * Math.ceil(len / k));
      const t = [ex.upload(x, [rows, len]), ex.upload(dy, [rows, Math.ceil(len / k)])];
      return readAll(ex, [["dx", gpu.maxPool1dBackward(ex, t[0], t[1], k), cpu.maxPool1dBackward(x, dy, rows, len, k)]], t);
    },
  })),
  ...[[4, 2, 8], [3, 7, 24], [2, 13, 13], [3, 24, 7]].map(([rows, m, h], i): OpCase => ({
    name: `interpolateLinearBackward [${rows}, ${h}] -> ${m}`,
    async run(ex) {
      const dy = random(220 + i)(rows * h);
      const t = ex.upload(dy, [rows, h]);
      return readAll(ex, [["dx", gpu.interpolateLinearBackward(ex, t, m), cpu.interpolateLinearBackward(dy, rows, m, h)]], [t]);
    },
  })),
  {
    name: "lstmCellBackward B 9, I 3, H 10: dh (dz·Whᵀ), dc, db and dWh",
    async run(ex) {
      const [rows, input, hidden] = [9, 3, 10];
      const r = random(240);
      const [x, h, c] = [r(rows * input, -2, 2), r(rows * hidden), r(rows * hidden, -2, 2)];
      const [wx, wh, b, dhNew, dcNew] = [r(input * 4 * hidden), r(hidden * 4 * hidden, -0.5, 0.5), r(4 * hidden), r(rows * hidden), r(rows * hidden)];
      const cNew = new Float32Array(rows * hidden), gates = new Float32Array(rows * 4 * hidden);
      cpu.lstmCell(x, h, c, wx, wh, b, rows, input, hidden, new Float32Array(rows * hidden), cNew, gates);
      const ref = { dh: new Float32Array(rows * hidden), dc: new Float32Array(rows * hidden), dwx: new Float32Array(input * 4 * hidden), dwh: new Float32Array(hidden * 4 * hidden), db: new Float32Array(4 * hidden) };
      cpu.lstmCellBackward(x, h, c, cNew, gates, wx, wh, dhNew, dcNew, rows, input, hidden, null, ref.dh, ref.dc, ref.dwx, ref.dwh, ref.db);
      const t = [ex.upload(x, [rows, input]), ex.upload(h, [rows, hidden]), ex.upload(c, [rows, hidden]), ex.upload(wx, [input, 4 * hidden]),
        ex.upload(wh, [hidden, 4 * hidden]), ex.upload(b), ex.upload(dhNew, [rows, hidden]), ex.upload(dcNew, [rows, hidden])];
      const xw = gpu.matmul(ex, t[0], t[3]);
      const [dz, dc] = gpu.lstmCellBackward(ex, xw, t[1], t[2], t[4], t[5], t[6], t[7]);
      return readAll(ex, [
        ["dh", gpu.matmul(ex, dz, t[4], { transB: true }), ref.dh], ["dc", dc, ref.dc], ["db", gpu.columnSum(ex, dz), ref.db],
        ["dWh", gpu.matmul(ex, t[1], dz, { transA: true }), ref.dwh],
      ], [...t, xw, dz]);
    },
  },
  ...[[12, 70], [2, 3, 16]].map((shape, i): OpCase => ({
    name: `layerNormBackward [${shape.join(", ")}]`,
    async run(ex) {
      const r = random(250 + i);
      const n = shape[shape.length - 1];
      const rows = shape.reduce((a, b) => a * b, 1) / n;
      const [x, gamma, dy] = [r(rows * n, -3, 5), r(n, 0.5, 1.5), r(rows * n)];
      const stats = new Float32Array(2 * rows);
      cpu.layerNorm(x, gamma, new Float32Array(n), rows, n, 1e-5, undefined, stats);
      const ref = { dx: new Float32Array(rows * n), dgamma: new Float32Array(n), dbeta: new Float32Array(n) };
      cpu.layerNormBackward(x, gamma, stats, dy, rows, n, ref.dx, ref.dgamma, ref.dbeta);
      const t = [ex.upload(x, shape), ex.upload(gamma), ex.upload(dy, shape)];
      const [dx, dyXhat] = gpu.layerNormBackward(ex, t[0], t[1], t[2]);
      return readAll(ex, [["dx", dx, ref.dx], ["dγ", gpu.columnSum(ex, dyXhat), ref.dgamma], ["dβ", gpu.columnSum(ex, t[2]), ref.dbeta]], [...t, dyXhat]);
    },
  })),
  ...([[[2, 9, 12], 3, false], [[2, 7, 8], 2, true], [[1, 5, 64], 1, false]] as const).map(([[batch, steps, dim], heads, causal], i): OpCase => ({
    name: `attentionBackward [${batch}, ${steps}, ${dim}] heads ${heads}${causal ? " causal" : ""}`,
    async run(ex) {
      const r = random(260 + i);
      const n = batch * steps * dim;
      const [q, k, v, dout] = [r(n, -2, 2), r(n, -2, 2), r(n), r(n)];
      const probs = new Float32Array(batch * heads * steps * steps);
      cpu.attention(q, k, v, batch, steps, dim, heads, causal, undefined, probs);
      const ref = { dq: new Float32Array(n), dk: new Float32Array(n), dv: new Float32Array(n) };
      cpu.attentionBackward(q, k, v, probs, dout, batch, steps, dim, heads, ref.dq, ref.dk, ref.dv);
      const t = [q, k, v, dout].map((a) => ex.upload(a, [batch, steps, dim]));
      const [dq, dk, dv] = gpu.attentionBackward(ex, t[0], t[1], t[2], t[3], heads, causal);
      return readAll(ex, [["dq", dq, ref.dq], ["dk", dk, ref.dk], ["dv", dv, ref.dv]], t);
    },
  })),
  {
    name: "adam: three steps on [300] match train.ts's Adam",
    async run(ex) {
      const r = random(230);
      const w = r(300);
      const grads = [r(300), r(300, -1e-3, 1e-3), r(300)];
      const expected = w.slice();
      const cpuAdam = new Adam(300, 0.01);
      let [tw, tm, tv] = [ex.upload(w), ex.zeros([300]), ex.zeros([300])];
      const temps: GpuTensor[] = [];
      grads.forEach((g, i) => {
        cpuAdam.update(expected, g);
        const tg = ex.upload(g);
        const next = gpu.adam(ex, tw, tg, tm, tv, { learningRate: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: i + 1 });
        temps.push(tw, tm, tv, tg);
        [tw, tm, tv] = next;
      });
      return readAll(ex, [["w", tw, expected]], [...temps, tm, tv]);
    },
  },
];

export const CASES: readonly OpCase[] = [
  ...(["none", "relu", "gelu", "tanh", "sigmoid"] as const).map((act, i) => linearCase(act, [37, 29, 19], 1, 10 + i)),
  linearCase("relu", [45, 67, 70], 1, 15), // several 32-wide tiles along M, K and N, none full
  // Far outside the activations' curved part: tanh and sigmoid saturate, no NaN.
  ...(["gelu", "tanh", "sigmoid"] as const).map((act, i) => linearCase(act, [5, 7, 33], 60, 20 + i)),
  {
    name: "matmul batched [11, 21, 35] · [11, 35, 18], no bias",
    async run(ex) {
      const r = random(30);
      const [a, b] = [r(11 * 21 * 35), r(11 * 35 * 18)];
      const [ta, tb] = [ex.upload(a, [11, 21, 35]), ex.upload(b, [11, 35, 18])];
      const c = gpu.matmul(ex, ta, tb);
      return readAll(ex, [["c", c, batchedMatmul(a, b, null, [11, 21, 35, 18], "none", false)]], [ta, tb]);
    },
  },
  {
    name: "matmul batched [2, 17, 33] · shared [33, 20] + bias, relu",
    async run(ex) {
      const r = random(31);
      const [a, b, bias] = [r(2 * 17 * 33), r(33 * 20), r(20)];
      const [ta, tb, tbias] = [ex.upload(a, [2, 17, 33]), ex.upload(b, [33, 20]), ex.upload(bias)];
      const c = gpu.matmul(ex, ta, tb, { bias: tbias, activation: "relu" });
      return readAll(ex, [["c", c, batchedMatmul(a, b, bias, [2, 17, 33, 20], "relu")]], [ta, tb, tbias]);
    },
  },
  ...[[5, 23, 4], [3, 10, 1], [2, 9, 30], [20, 130, 2]].map(([rows, len, k], i): OpCase => ({
    name: `maxPool1d [${rows}, ${len}] k ${k}`,
    async run(ex) {
      const x = random(40 + i)(rows * len, -5, 5);
      const tx = ex.upload(x, [rows, len]);
      return readAll(ex, [["y", gpu.maxPool1d(ex, tx, k), cpu.maxPool1d(x, rows, len, k)]], [tx]);
    },
  })),
  ...[[4, 7, 24], [3, 24, 7], [2, 1, 5], [5, 13, 13], [5, 3, 250]].map(([rows, m, h], i): OpCase => ({
    name: `interpolateLinear [${rows}, ${m}] -> ${h}`,
    async run(ex) {
      const x = random(50 + i)(rows * m, -3, 3);
      const tx = ex.upload(x, [rows, m]);
      return readAll(ex, [["y", gpu.interpolateLinear(ex, tx, h), cpu.interpolateLinear(x, rows, m, h)]], [tx]);
    },
  })),
  {
    name: "lstmCell B 100, I 6, H 11, and lstmCellPre on a GPU x·Wx",
    async run(ex) {
      const [rows, input, hidden] = [100, 6, 11];
      const r = random(60);
      const [x, h, c] = [r(rows * input, -2, 2), r(rows * hidden), r(rows * hidden, -2, 2)];
      const [wx, wh, b] = [r(input * 4 * hidden), r(hidden * 4 * hidden, -0.5, 0.5), r(4 * hidden)];
      const t = {
        x: ex.upload(x, [rows, input]), h: ex.upload(h, [rows, hidden]), c: ex.upload(c, [rows, hidden]),
        wx: ex.upload(wx, [input, 4 * hidden]), wh: ex.upload(wh, [hidden, 4 * hidden]), b: ex.upload(b),
      };
      const [h1, c1] = gpu.lstmCell(ex, t.x, t.h, t.c, t.wx, t.wh, t.b);
      const xw = gpu.linear(ex, t.x, t.wx, null);
      const [h2, c2] = gpu.lstmCellPre(ex, xw, t.h, t.c, t.wh, t.b);
      const ref = { h: new Float32Array(rows * hidden), c: new Float32Array(rows * hidden) };
      cpu.lstmCell(x, h, c, wx, wh, b, rows, input, hidden, ref.h, ref.c);
      return readAll(ex, [["h'", h1, ref.h], ["c'", c1, ref.c], ["h' (pre)", h2, ref.h], ["c' (pre)", c2, ref.c]], [...Object.values(t), xw]);
    },
  },
  ...[[12, 70], [1, 3], [9, 200]].map(([rows, n], i): OpCase => ({
    name: `layerNorm [${rows}, ${n}]`,
    async run(ex) {
      const r = random(70 + i);
      const [x, gamma, beta] = [r(rows * n, -3, 5), r(n, 0.5, 1.5), r(n)];
      const t = [ex.upload(x, [rows, n]), ex.upload(gamma), ex.upload(beta)];
      return readAll(ex, [["y", gpu.layerNorm(ex, t[0], t[1], t[2]), cpu.layerNorm(x, gamma, beta, rows, n)]], t);
    },
  })),
  ...[[13, 100, 1], [3, 5, 30], [4, 1, 1]].map(([rows, n, scale], i): OpCase => ({
    name: `softmax [${rows}, ${n}]${scale === 1 ? "" : ` inputs ×${scale}`}`,
    async run(ex) {
      const x = random(80 + i)(rows * n, -scale, scale);
      const tx = ex.upload(x, [rows, n]);
      return readAll(ex, [["y", gpu.softmax(ex, tx), cpu.softmax(x, rows, n)]], [tx]);
    },
  })),
  attentionCase([2, 19, 12], 3, false, 90),
  attentionCase([2, 70, 8], 2, true, 91),
  attentionCase([3, 9, 20], 1, false, 92),
  attentionCase([2, 5, 64], 1, true, 94),
  attentionCase([4, 100, 6], 3, false, 93),
  {
    name: "chain linear gelu -> layerNorm -> linear -> softmax, one readback",
    async run(ex) {
      const r = random(99);
      const [rows, k, hidden, n] = [9, 13, 24, 5];
      const [x, w1, b1, gamma, beta, w2] = [r(rows * k), r(k * hidden), r(hidden), r(hidden, 0.5, 1.5), r(hidden), r(hidden * n)];
      const t = [ex.upload(x, [rows, k]), ex.upload(w1, [k, hidden]), ex.upload(b1), ex.upload(gamma), ex.upload(beta), ex.upload(w2, [hidden, n])];
      const h = gpu.linear(ex, t[0], t[1], t[2], "gelu");
      const hn = gpu.layerNorm(ex, h, t[3], t[4]);
      const logits = gpu.linear(ex, hn, t[5], null);
      const y = gpu.softmax(ex, logits);
      const ref = cpu.softmax(
        cpu.linear(cpu.layerNorm(cpu.linear(x, w1, b1, rows, k, hidden, "gelu"), gamma, beta, rows, hidden), w2, null, rows, hidden, n),
        rows, n,
      );
      return readAll(ex, [["y", y, ref]], [...t, h, hn, logits]);
    },
  },
  ...BACKWARD_CASES,
];
