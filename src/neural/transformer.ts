import type { ForwardPass, Model, TransformerConfig } from "./model.ts";
import {
  add, attention, attentionBackward, layerNorm, layerNormBackward, linear, linearBackward, positionalEncoding,
} from "./ops.ts";
import { fanInInit, ParamLayout, type ParamSpec } from "./params.ts";

/**
 * A Transformer encoder over the window, one token per value: input
 * projection (1 → D) plus the sinusoidal encoding, then post-norm encoder
 * layers (PyTorch's default, norm_first = False):
 *   X = LN1(X + Wo·MHA(Wq X, Wk X, Wv X)),  X = LN2(X + W2·GELU(W1 X)),
 * and a linear head over the flattened tokens [T·D] giving the whole horizon:
 * every position keeps its own weights into the forecast, where the last
 * token alone would have to carry the window through attention.
 *
 * Parameters: input.weight [1, D], input.bias; layer{l}.{q,k,v,o}.weight [D, D]
 * and .bias, layer{l}.norm1/norm2.gamma/beta [D], layer{l}.ff1.weight [D, F],
 * layer{l}.ff2.weight [F, D] and biases; head.weight [T·D, horizon], head.bias.
 */
export function transformerModel(config: TransformerConfig): Model<TransformerConfig> {
  const { inputSize: T, horizon, dModel: D, heads, layers, ffSize: F } = config;
  const specs: ParamSpec[] = [];
  const dense = (name: string, inDim: number, outDim: number) => {
    specs.push({ name: `${name}.weight`, shape: [inDim, outDim], init: fanInInit(inDim) });
    specs.push({ name: `${name}.bias`, shape: [outDim], init: fanInInit(inDim) });
  };
  const norm = (name: string) => {
    specs.push({ name: `${name}.gamma`, shape: [D], init: { constant: 1 } });
    specs.push({ name: `${name}.beta`, shape: [D], init: { constant: 0 } });
  };
  dense("input", 1, D);
  for (let l = 0; l < layers; l++) {
    for (const m of ["q", "k", "v", "o"]) dense(`layer${l}.${m}`, D, D);
    norm(`layer${l}.norm1`);
    dense(`layer${l}.ff1`, D, F);
    dense(`layer${l}.ff2`, F, D);
    norm(`layer${l}.norm2`);
  }
  dense("head", T * D, horizon);
  const layout = new ParamLayout(specs);
  const pe = positionalEncoding(T, D);

  function forward(weights: Float32Array, x: Float32Array, batch: number): ForwardPass {
    const p = (name: string) => layout.view(weights, name);
    const rows = batch * T;
    let h = linear(x, p("input.weight"), p("input.bias"), rows, 1, D);
    for (let r = 0; r < rows; r++) {
      const t = r % T;
      for (let j = 0; j < D; j++) h[r * D + j] += pe[t * D + j];
    }
    type Saved = {
      input: Float32Array; q: Float32Array; k: Float32Array; v: Float32Array; probs: Float32Array; att: Float32Array;
      sum1: Float32Array; stats1: Float32Array; mid: Float32Array; ffPre: Float32Array; ff: Float32Array;
      sum2: Float32Array; stats2: Float32Array;
    };
    const saved: Saved[] = [];
    for (let l = 0; l < layers; l++) {
      const n = (m: string) => p(`layer${l}.${m}`);
      const q = linear(h, n("q.weight"), n("q.bias"), rows, D, D);
      const k = linear(h, n("k.weight"), n("k.bias"), rows, D, D);
      const v = linear(h, n("v.weight"), n("v.bias"), rows, D, D);
      const probs = new Float32Array(batch * heads * T * T);
      const att = attention(q, k, v, batch, T, D, heads, false, undefined, probs);
      const sum1 = add(h, linear(att, n("o.weight"), n("o.bias"), rows, D, D));
      const stats1 = new Float32Array(2 * rows);
      const mid = layerNorm(sum1, n("norm1.gamma"), n("norm1.beta"), rows, D, 1e-5, undefined, stats1);
      const ffPre = new Float32Array(rows * F);
      const ff = linear(mid, n("ff1.weight"), n("ff1.bias"), rows, D, F, "gelu", undefined, ffPre);
      const sum2 = add(mid, linear(ff, n("ff2.weight"), n("ff2.bias"), rows, F, D));
      const stats2 = new Float32Array(2 * rows);
      const out = layerNorm(sum2, n("norm2.gamma"), n("norm2.beta"), rows, D, 1e-5, undefined, stats2);
      saved.push({ input: h, q, k, v, probs, att, sum1, stats1, mid, ffPre, ff, sum2, stats2 });
      h = out;
    }
    const encoded = h;
    const y = linear(encoded, p("head.weight"), p("head.bias"), batch, T * D, horizon);

    function backward(dy: Float32Array, grad: Float32Array): Float32Array {
      const g = (name: string) => layout.view(grad, name);
      let dh = new Float32Array(rows * D);
      linearBackward(encoded, p("head.weight"), null, dy, batch, T * D, horizon, "none", dh, g("head.weight"), g("head.bias"));
      for (let l = layers - 1; l >= 0; l--) {
        const s = saved[l];
        const n = (m: string) => p(`layer${l}.${m}`);
        const gn = (m: string) => g(`layer${l}.${m}`);
        const dSum2 = new Float32Array(rows * D);
        layerNormBackward(s.sum2, n("norm2.gamma"), s.stats2, dh, rows, D, dSum2, gn("norm2.gamma"), gn("norm2.beta"));
        const dFf = new Float32Array(rows * F);
        linearBackward(s.ff, n("ff2.weight"), null, dSum2, rows, F, D, "none", dFf, gn("ff2.weight"), gn("ff2.bias"));
        const dMid = new Float32Array(rows * D);
        linearBackward(s.mid, n("ff1.weight"), s.ffPre, dFf, rows, D, F, "gelu", dMid, gn("ff1.weight"), gn("ff1.bias"));
        for (let i = 0; i < dMid.length; i++) dMid[i] += dSum2[i];
        const dSum1 = new Float32Array(rows * D);
        layerNormBackward(s.sum1, n("norm1.gamma"), s.stats1, dMid, rows, D, dSum1, gn("norm1.gamma"), gn("norm1.beta"));
        const dAtt = new Float32Array(rows * D);
        linearBackward(s.att, n("o.weight"), null, dSum1, rows, D, D, "none", dAtt, gn("o.weight"), gn("o.bias"));
        const dq = new Float32Array(rows * D), dk = new Float32Array(rows * D), dv = new Float32Array(rows * D);
        attentionBackward(s.q, s.k, s.v, s.probs, dAtt, batch, T, D, heads, dq, dk, dv);
        // The layer's input fed the residual and the three projections.
        const dInput = dSum1;
        const dProj = new Float32Array(rows * D);
        for (const [m, d] of [["q", dq], ["k", dk], ["v", dv]] as const) {
          linearBackward(s.input, n(`${m}.weight`), null, d, rows, D, D, "none", dProj, gn(`${m}.weight`), gn(`${m}.bias`));
          for (let i = 0; i < dInput.length; i++) dInput[i] += dProj[i];
        }
        dh = dInput;
      }
      const dx = new Float32Array(rows);
      linearBackward(x, p("input.weight"), null, dh, rows, 1, D, "none", dx, g("input.weight"), g("input.bias"));
      return dx;
    }

    return { y, backward };
  }

  return { config, layout, forward };
}
