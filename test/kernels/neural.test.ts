// build/neural.wasm against its TypeScript twins (src/neural/ops.ts, summing
// in float64) on seeded random inputs of awkward sizes: not multiples of the
// 4 x 8 tiles, of the 32-column panels or of the 256-deep slices; strided
// operands; every activation. Each output must agree to 1e-5 relative
// (|a − b| ≤ 1e-5·max(1, |b|)): float32 sums against float64 ones.
import { beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../src/core/random.ts";
import { ACTIVATIONS, type Activation } from "../../src/gpu/programs.ts";
import { activationCode, WasmNeural } from "../../src/kernels/neural.ts";
import { activate, attention, gemm, layerNorm, lstmCell, maxPool1d } from "../../src/neural/ops.ts";
import { wasmBytes } from "../helpers.ts";
import { randomArray } from "../neural/gradcheck.ts";

const REL = 1e-5;

/** The largest |actual − expected| / max(1, |expected|), and where. */
function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): { err: number; at: string } {
  expect(actual.length).toBe(expected.length);
  let err = 0;
  let at = "";
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(e <= err)) {
      err = Number.isNaN(e) ? Infinity : e;
      at = `[${i}] ${actual[i]} vs ${expected[i]}`;
    }
  }
  return { err, at };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  const { err, at } = worst(actual, expected);
  expect(err, `${label}: ${at}`).toBeLessThanOrEqual(REL);
}

let nn: WasmNeural;
beforeAll(async () => {
  nn = await WasmNeural.load(wasmBytes("neural"));
});

/** Copies arrays into the module's memory (one reservation); returns their addresses. */
function place(...arrays: Float32Array[]): number[] {
  const { ptrs } = nn.buffers(Symbol("test"), arrays.map((a) => a.length));
  arrays.forEach((a, i) => nn.view(ptrs[i], a.length).set(a));
  return [...ptrs];
}

const read = (ptr: number, n: number) => nn.view(ptr, n).slice();

describe("neural kernels (build/neural.wasm)", () => {
  it("import nothing", () => {
    expect(WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(wasmBytes("neural"))))).toEqual([]);
  });

  // [m, n, k]: single entries, tile edges, a second column panel (n > 32), a second depth slice (k > 256).
  const shapes = [[1, 1, 1], [3, 5, 7], [4, 8, 4], [5, 9, 13], [13, 33, 31], [37, 70, 300], [6, 41, 513], [64, 128, 128]];

  it("gemm: act(A·B + bias) equals the TypeScript linear for every shape and activation", () => {
    const rng = new Random(3);
    for (const [m, n, k] of shapes) {
      for (const act of ACTIVATIONS) {
        const a = randomArray(rng, m * k), b = randomArray(rng, k * n), bias = randomArray(rng, n);
        const [pa, pb, pc, pbias] = place(a, b, new Float32Array(m * n), bias);
        nn.k.gemm(m, n, k, pa, k, pb, n, pc, n, pbias, activationCode(act), false);
        const expected = new Float32Array(m * n);
        for (let i = 0; i < m; i++) expected.set(bias, i * n);
        gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, expected, 0, n, true);
        expectClose(read(pc, m * n), expected.map((z) => activate(act, z)), `${m}x${n}x${k} ${act}`);
      }
    }
  });

  it("gemm: strided operands, no bias, accumulating into C; entries outside the m x n block untouched", () => {
    const rng = new Random(4);
    for (const [m, n, k] of shapes) {
      for (const act of ["none", "gelu"] as Activation[]) {
        // Row strides wider than the rows: A and B inside larger matrices, C with 3 spare columns.
        const [lda, ldb, ldc] = [k + 2, n + 5, n + 3];
        const a = randomArray(rng, m * lda), b = randomArray(rng, k * ldb), c = randomArray(rng, m * ldc);
        const [pa, pb, pc] = place(a, b, c);
        nn.k.gemm(m, n, k, pa, lda, pb, ldb, pc, ldc, 0, activationCode(act), true);
        const sums = new Float32Array(m * ldc);
        gemm(m, n, k, a, 0, lda, 1, b, 0, ldb, 1, sums, 0, ldc, false);
        const expected = c.map((v, i) => (i % ldc < n ? activate(act, v + sums[i]) : v));
        expectClose(read(pc, m * ldc), expected, `${m}x${n}x${k} strided, accumulate, ${act}`);
      }
    }
  });

  it("gemm: ReLU maps NaN to 0 as the reference does, and k = 0 gives the bias", () => {
    const [pa, pb, pc, pbias] = place(Float32Array.of(NaN, 1), Float32Array.of(1, 1), new Float32Array(2), Float32Array.of(0.5, -2));
    nn.k.gemm(1, 1, 2, pa, 2, pb, 1, pc, 1, 0, activationCode("relu"), false);
    expect(read(pc, 1)[0]).toBe(0);
    nn.k.gemm(1, 2, 0, pa, 0, pb, 2, pc, 2, pbias, activationCode("none"), false);
    expect(Array.from(read(pc, 2))).toEqual([0.5, -2]);
  });

  it("lstmCell: the gates' activations and the state update of the TypeScript cell", () => {
    const rng = new Random(5);
    for (const [batch, hidden] of [[1, 1], [3, 6], [5, 8], [2, 13]]) {
      const g4 = 4 * hidden;
      // The reference cell computes z = x·Wx + h·Wh + b: with Wx = I, Wh = 0 and b = 0, z is x itself.
      const z = randomArray(rng, batch * g4, 4), c = randomArray(rng, batch * hidden);
      const identity = new Float32Array(g4 * g4);
      for (let i = 0; i < g4; i++) identity[i * g4 + i] = 1;
      const hRef = new Float32Array(batch * hidden), cRef = new Float32Array(batch * hidden);
      lstmCell(z, new Float32Array(batch * hidden), c, identity, new Float32Array(hidden * g4), new Float32Array(g4), batch, g4, hidden, hRef, cRef);
      // h written with a row stride of hidden + 2, as into the pass's state rows.
      const ldh = hidden + 2;
      const [pz, pc, ph] = place(z, c, new Float32Array(batch * ldh));
      nn.k.lstmCell(pz, g4, pc, ph, ldh, batch, hidden);
      expectClose(read(pc, batch * hidden), cRef, `c' ${batch}x${hidden}`);
      const h = read(ph, batch * ldh).filter((_, i) => i % ldh < hidden);
      expectClose(h, hRef, `h' ${batch}x${hidden}`);
    }
  });

  it("attention: multi-head attention over packed [Q | K | V] rows equals the TypeScript attention", () => {
    const rng = new Random(6);
    // [batch, steps, dim, heads]: head widths 4, 5 and 1, steps not a multiple of 4, one longer than a tile panel.
    for (const [batch, steps, dim, heads] of [[2, 7, 12, 3], [3, 9, 10, 2], [1, 37, 3, 3]]) {
      const rows = batch * steps;
      const q = randomArray(rng, rows * dim, 2), k = randomArray(rng, rows * dim, 2), v = randomArray(rng, rows * dim);
      const qkv = new Float32Array(rows * 3 * dim);
      for (let r = 0; r < rows; r++) {
        qkv.set(q.subarray(r * dim, (r + 1) * dim), r * 3 * dim);
        qkv.set(k.subarray(r * dim, (r + 1) * dim), r * 3 * dim + dim);
        qkv.set(v.subarray(r * dim, (r + 1) * dim), r * 3 * dim + 2 * dim);
      }
      const d = dim / heads;
      const [pqkv, pout, pscratch] = place(qkv, new Float32Array(rows * dim), new Float32Array(d * steps + steps * steps));
      nn.k.attention(pqkv, 3 * dim, pout, dim, batch, steps, dim, heads, pscratch);
      expectClose(read(pout, rows * dim), attention(q, k, v, batch, steps, dim, heads), `attention ${batch}x${steps}x${dim}/${heads}`);
    }
  });

  it("layerNorm: in place or into another buffer, as the TypeScript layer norm", () => {
    const rng = new Random(7);
    for (const [rows, n] of [[1, 1], [3, 7], [5, 16], [2, 33]]) {
      const x = randomArray(rng, rows * n, 3), gamma = randomArray(rng, n), beta = randomArray(rng, n);
      const expected = layerNorm(x, gamma, beta, rows, n);
      const [px, pg, pb, pout] = place(x, gamma, beta, new Float32Array(rows * n));
      nn.k.layerNorm(px, pg, pb, pout, rows, n, 1e-5);
      expectClose(read(pout, rows * n), expected, `layerNorm ${rows}x${n}`);
      nn.k.layerNorm(px, pg, pb, px, rows, n, 1e-5);
      expectClose(read(px, rows * n), expected, `layerNorm ${rows}x${n} in place`);
    }
  });

  it("maxPool1d: windows of k with a shorter last one, as the TypeScript pooling", () => {
    const rng = new Random(8);
    for (const [batch, length, k] of [[2, 13, 3], [3, 8, 2], [1, 5, 5], [2, 4, 1]]) {
      const x = randomArray(rng, batch * length);
      const m = Math.ceil(length / k);
      const [px, pout] = place(x, new Float32Array(batch * m));
      nn.k.maxPool1d(px, pout, batch, length, k);
      expect(Array.from(read(pout, batch * m))).toEqual(Array.from(maxPool1d(x, batch, length, k)));
    }
  });

  it("copy2d and tokenEmbed move the values they name", () => {
    // A 2 x 3 source: its column 2 into a column of a 2 x 4 target, then the same repeated along each row.
    const [src, dst] = place(Float32Array.of(1, 2, 3, 4, 5, 6), new Float32Array(8));
    nn.k.copy2d(src + 8, 3, 0, dst + 4, 4, 2, 1);
    expect(Array.from(read(dst, 8))).toEqual([0, 3, 0, 0, 0, 6, 0, 0]);
    nn.k.copy2d(src + 8, 3, 0, dst, 4, 2, 4);
    expect(Array.from(read(dst, 8))).toEqual([3, 3, 3, 3, 6, 6, 6, 6]);
    // Two windows of 3 steps, width 5: out[r] = x[r]·w + table[r mod 3].
    const rng = new Random(9);
    const x = randomArray(rng, 6), w = randomArray(rng, 5), table = randomArray(rng, 15);
    const [px, pw, pt, pout] = place(x, w, table, new Float32Array(30));
    nn.k.tokenEmbed(px, pw, pt, pout, 2, 3, 5);
    const expected = Array.from({ length: 30 }, (_, i) => Math.fround(x[Math.floor(i / 5)] * w[i % 5]) + table[(Math.floor(i / 5) % 3) * 5 + (i % 5)]);
    expectClose(read(pout, 30), expected, "tokenEmbed");
  });

  it("allocate nothing: memory stays the same size over repeated calls", () => {
    const rng = new Random(10);
    const [m, n, k] = [64, 40, 70];
    const [pa, pb, pc, pbias] = place(randomArray(rng, m * k), randomArray(rng, k * n), new Float32Array(m * n), randomArray(rng, n));
    const bytes = nn.k.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) nn.k.gemm(m, n, k, pa, k, pb, n, pc, n, pbias, activationCode("gelu"), i % 2 === 1);
    expect(nn.k.memory.buffer.byteLength).toBe(bytes);
  });
});
