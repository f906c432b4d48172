// The forward passes of the three models on build/neural.wasm: the same
// arithmetic as nhits.ts, lstm.ts and transformer.ts (the reference they
// are tested against), rearranged for speed where the algebra allows, on
// float32 buffers in the module's memory. Nothing is copied between layers.
import { activationCode, type WasmNeural } from "./neural.ts";
import { knotCount, type LstmConfig, type Model, type NhitsConfig, type TransformerConfig } from "../neural/model.ts";
import { gemm, interpolateLinear, positionalEncoding } from "../neural/ops.ts";

/** A model's forward pass on the kernels, with its parameters laid out as the pass reads them. */
export interface KernelPass {
  readonly model: Model;
  /** The parameters, some rearranged or derived once here (see each model); copied into the module once per weight set. */
  readonly params: Float32Array;
  /** Windows per run that keep the working buffers near the CPU's caches. */
  readonly chunk: number;
  /** Floats of each working buffer for `windows` windows: x [windows, inputSize] and y [windows, horizon] first. */
  buffers(windows: number): number[];
  /** y = f(x) for `windows` windows: params at `base`, buffers at `bufs` (as `buffers` sized them). */
  run(nn: WasmNeural, base: number, bufs: readonly number[], windows: number): void;
}

export function kernelPass(model: Model, weights: Float32Array): KernelPass {
  const { config } = model;
  switch (config.kind) {
    case "nhits": return nhitsPass(model, config, weights);
    case "lstm": return lstmPass(model, config, weights);
    case "transformer": return transformerPass(model, config, weights);
  }
}

/** Named float32 arrays laid end to end, each at a 16-byte boundary. */
class Packer {
  private readonly parts: Float32Array[] = [];
  private size = 0;
  private readonly offsets = new Map<string, number>();

  add(name: string, data: Float32Array): void {
    this.offsets.set(name, this.size);
    this.parts.push(data);
    this.size += Math.ceil(data.length / 4) * 4;
  }

  pack(): { params: Float32Array; at: (base: number, name: string) => number } {
    const params = new Float32Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      params.set(part, at);
      at += Math.ceil(part.length / 4) * 4;
    }
    const offsets = this.offsets;
    return { params, at: (base, name) => base + 4 * offsets.get(name)! };
  }
}

const NONE = activationCode("none");
const RELU = activationCode("relu");
const GELU = activationCode("gelu");
const BYTES = 4;

/**
 * NHITS with two rearrangements, exact in real arithmetic: a block's knots
 * and their linear interpolation to the horizon are one map, so the knot
 * head is stored premultiplied by the interpolation matrix ([hidden, H]);
 * the backcast head is stored negated, so subtracting the backcast is an
 * accumulating matmul into the residual. The last block's backcast feeds
 * nothing and is skipped.
 */
function nhitsPass(model: Model, config: NhitsConfig, weights: Float32Array): KernelPass {
  const { inputSize: L, horizon: H, hidden, mlpLayers } = config;
  const w = (name: string) => model.layout.view(weights, name);
  const packer = new Packer();
  const blocks = config.poolKernels.map((kernel, s) => ({ kernel, pooled: Math.ceil(L / kernel), prefix: `block${s}` }));
  for (const [s, { prefix }] of blocks.entries()) {
    for (let l = 0; l < mlpLayers; l++) {
      packer.add(`${prefix}.mlp${l}.weight`, w(`${prefix}.mlp${l}.weight`));
      packer.add(`${prefix}.mlp${l}.bias`, w(`${prefix}.mlp${l}.bias`));
    }
    packer.add(`${prefix}.backcast.weight`, w(`${prefix}.backcast.weight`).map((v) => -v));
    packer.add(`${prefix}.backcast.bias`, w(`${prefix}.backcast.bias`).map((v) => -v));
    // Interpolating the identity's rows gives the matrix of the resize: I [knots, H].
    const knots = knotCount(H, config.downsample[s]);
    const identity = new Float32Array(knots * knots);
    for (let i = 0; i < knots; i++) identity[i * knots + i] = 1;
    const resize = interpolateLinear(identity, knots, knots, H);
    const head = new Float32Array(hidden * H);
    gemm(hidden, H, knots, w(`${prefix}.knots.weight`), 0, knots, 1, resize, 0, H, 1, head, 0, H, false);
    const bias = new Float32Array(H);
    gemm(1, H, knots, w(`${prefix}.knots.bias`), 0, knots, 1, resize, 0, H, 1, bias, 0, H, false);
    packer.add(`${prefix}.forecast.weight`, head);
    packer.add(`${prefix}.forecast.bias`, bias);
  }
  const { params, at } = packer.pack();
  const widest = Math.max(...blocks.map((b) => b.pooled));

  return {
    model, params, chunk: 256,
    // x (the residual, updated in place), y, the pooled input, two hidden activations.
    buffers: (n) => [n * L, n * H, n * widest, n * hidden, n * hidden],
    run(nn, base, [x, y, pooled, h0, h1], n) {
      const { k } = nn;
      const p = (name: string) => at(base, name);
      // The naive level: every step starts from the window's last value.
      k.copy2d(x + (L - 1) * BYTES, L, 0, y, H, n, H);
      for (const [s, block] of blocks.entries()) {
        let a = x;
        if (block.kernel > 1) {
          k.maxPool1d(x, pooled, n, L, block.kernel);
          a = pooled;
        }
        let width = block.pooled;
        for (let l = 0; l < mlpLayers; l++) {
          const out = l % 2 === 0 ? h0 : h1;
          k.gemm(n, hidden, width, a, width, p(`${block.prefix}.mlp${l}.weight`), hidden, out, hidden, p(`${block.prefix}.mlp${l}.bias`), RELU, false);
          a = out;
          width = hidden;
        }
        if (s < blocks.length - 1) {
          k.gemm(n, L, hidden, a, hidden, p(`${block.prefix}.backcast.weight`), L, x, L, p(`${block.prefix}.backcast.bias`), NONE, true);
        }
        k.gemm(n, H, hidden, a, hidden, p(`${block.prefix}.forecast.weight`), H, y, H, p(`${block.prefix}.forecast.bias`), NONE, true);
      }
    },
  };
}

/**
 * The stacked LSTM, all layers advancing one step at a time over one state
 * row per window: [x_t | h_0 | h_1 | ...]. Layer l reads its input and its
 * own h as one contiguous slice of that row, so its gates are one matmul
 * with [Wx; Wh] stacked ([in + H, 4H]), and it writes its new h in place,
 * where layer l + 1 reads it as input.
 */
function lstmPass(model: Model, config: LstmConfig, weights: Float32Array): KernelPass {
  const { inputSize: T, horizon, hidden: H, layers } = config;
  const w = (name: string) => model.layout.view(weights, name);
  const packer = new Packer();
  for (let l = 0; l < layers; l++) {
    const wx = w(`lstm${l}.wx`), wh = w(`lstm${l}.wh`);
    const stacked = new Float32Array(wx.length + wh.length);
    stacked.set(wx);
    stacked.set(wh, wx.length);
    packer.add(`lstm${l}.w`, stacked);
    packer.add(`lstm${l}.bias`, w(`lstm${l}.bias`));
  }
  packer.add("head.weight", w("head.weight"));
  packer.add("head.bias", w("head.bias"));
  const { params, at } = packer.pack();
  const width = 1 + layers * H;
  // Layer l's slice of the state row starts at its input: x_t for layer 0, h_{l-1} above.
  const sliceStart = (l: number) => (l === 0 ? 0 : 1 + (l - 1) * H);

  return {
    model, params, chunk: 256,
    // x, y, the state rows, the cells of every layer, one layer's gates.
    buffers: (n) => [n * T, n * horizon, n * width, n * layers * H, n * 4 * H],
    run(nn, base, [x, y, state, cells, gates], n) {
      const { k } = nn;
      const p = (name: string) => at(base, name);
      nn.view(state, n * width).fill(0);
      nn.view(cells, n * layers * H).fill(0);
      for (let t = 0; t < T; t++) {
        k.copy2d(x + t * BYTES, T, 0, state, width, n, 1);
        for (let l = 0; l < layers; l++) {
          const inDim = l === 0 ? 1 : H;
          k.gemm(n, 4 * H, inDim + H, state + sliceStart(l) * BYTES, width, p(`lstm${l}.w`), 4 * H, gates, 4 * H, p(`lstm${l}.bias`), NONE, false);
          k.lstmCell(gates, 4 * H, cells + l * n * H * BYTES, state + (1 + l * H) * BYTES, width, n, H);
        }
      }
      k.gemm(n, horizon, H, state + (1 + (layers - 1) * H) * BYTES, width, p("head.weight"), horizon, y, horizon, p("head.bias"), NONE, false);
    },
  };
}

/**
 * The encoder with Q, K and V as one matmul ([D, 3D], columns q | k | v),
 * the input projection's bias folded into the positional encoding, and each
 * residual sum an accumulating matmul into the layer's input, normalized in
 * place.
 */
function transformerPass(model: Model, config: TransformerConfig, weights: Float32Array): KernelPass {
  const { inputSize: T, horizon, dModel: D, heads, layers, ffSize: F } = config;
  const w = (name: string) => model.layout.view(weights, name);
  const packer = new Packer();
  packer.add("input.weight", w("input.weight"));
  const table = positionalEncoding(T, D);
  const inputBias = w("input.bias");
  for (let i = 0; i < table.length; i++) table[i] += inputBias[i % D];
  packer.add("input.table", table);
  for (let l = 0; l < layers; l++) {
    const n = (m: string) => w(`layer${l}.${m}`);
    const qkv = new Float32Array(D * 3 * D);
    for (let r = 0; r < D; r++) {
      ["q", "k", "v"].forEach((m, i) => qkv.set(n(`${m}.weight`).subarray(r * D, (r + 1) * D), r * 3 * D + i * D));
    }
    packer.add(`layer${l}.qkv.weight`, qkv);
    const bias = new Float32Array(3 * D);
    ["q", "k", "v"].forEach((m, i) => bias.set(n(`${m}.bias`), i * D));
    packer.add(`layer${l}.qkv.bias`, bias);
    for (const m of ["o.weight", "o.bias", "norm1.gamma", "norm1.beta", "ff1.weight", "ff1.bias", "ff2.weight", "ff2.bias", "norm2.gamma", "norm2.beta"]) {
      packer.add(`layer${l}.${m}`, n(m));
    }
  }
  packer.add("head.weight", w("head.weight"));
  packer.add("head.bias", w("head.bias"));
  const { params, at } = packer.pack();
  const scratch = (D / heads) * T + T * T;

  return {
    model, params, chunk: 32,
    // x, y, the tokens, [Q | K | V], attention's output, the feed-forward, attention's scratch.
    buffers: (n) => [n * T, n * horizon, n * T * D, n * T * 3 * D, n * T * D, n * T * F, scratch],
    run(nn, base, [x, y, h, qkv, att, ff, work], n) {
      const { k } = nn;
      const p = (name: string) => at(base, name);
      const rows = n * T;
      k.tokenEmbed(x, p("input.weight"), p("input.table"), h, n, T, D);
      for (let l = 0; l < layers; l++) {
        const q = (m: string) => p(`layer${l}.${m}`);
        k.gemm(rows, 3 * D, D, h, D, q("qkv.weight"), 3 * D, qkv, 3 * D, q("qkv.bias"), NONE, false);
        k.attention(qkv, 3 * D, att, D, n, T, D, heads, work);
        k.gemm(rows, D, D, att, D, q("o.weight"), D, h, D, q("o.bias"), NONE, true);
        k.layerNorm(h, q("norm1.gamma"), q("norm1.beta"), h, rows, D, 1e-5);
        k.gemm(rows, F, D, h, D, q("ff1.weight"), F, ff, F, q("ff1.bias"), GELU, false);
        k.gemm(rows, D, F, ff, F, q("ff2.weight"), D, h, D, q("ff2.bias"), NONE, true);
        k.layerNorm(h, q("norm2.gamma"), q("norm2.beta"), h, rows, D, 1e-5);
      }
      k.gemm(n, horizon, T * D, h, T * D, p("head.weight"), horizon, y, horizon, p("head.bias"), NONE, false);
    },
  };
}
