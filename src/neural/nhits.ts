import { type ForwardPass, knotCount, type Model, type NhitsConfig } from "./model.ts";
import { interpolateLinear, interpolateLinearBackward, linear, linearBackward, maxPool1d, maxPool1dBackward } from "./ops.ts";
import { fanInInit, ParamLayout, type ParamSpec } from "./params.ts";

/**
 * NHITS (Challu et al. 2023) in the shape of Nixtla neuralforecast's: stacks of
 * one block each. A block max-pools the residual input window with its kernel,
 * runs an MLP of Linear+ReLU layers, and emits a backcast (L values, subtracted
 * from the residual) and forecast knots (max(H / downsample, 1)) interpolated
 * linearly to the horizon and summed. As in neuralforecast the forecast starts
 * from the window's last value (the naive level), so the blocks learn a
 * correction to it. neuralforecast's one theta layer is split here into a
 * backcast head and a knot head (the same map, with no slicing).
 *
 * Parameters per stack s: block{s}.mlp{l}.weight/bias, block{s}.backcast.weight/bias,
 * block{s}.knots.weight/bias; weights stored [in, out].
 */
export function nhitsModel(config: NhitsConfig): Model<NhitsConfig> {
  const { inputSize: L, horizon: H, hidden, mlpLayers } = config;
  const blocks = config.poolKernels.map((kernel, s) => ({
    kernel,
    pooled: Math.ceil(L / kernel),
    knots: knotCount(H, config.downsample[s]),
    prefix: `block${s}`,
  }));

  const specs: ParamSpec[] = [];
  const dense = (name: string, inDim: number, outDim: number) => {
    specs.push({ name: `${name}.weight`, shape: [inDim, outDim], init: fanInInit(inDim) });
    specs.push({ name: `${name}.bias`, shape: [outDim], init: fanInInit(inDim) });
  };
  for (const block of blocks) {
    for (let l = 0; l < mlpLayers; l++) dense(`${block.prefix}.mlp${l}`, l === 0 ? block.pooled : hidden, hidden);
    dense(`${block.prefix}.backcast`, hidden, L);
    dense(`${block.prefix}.knots`, hidden, block.knots);
  }
  const layout = new ParamLayout(specs);

  function forward(weights: Float32Array, x: Float32Array, batch: number): ForwardPass {
    const p = (name: string) => layout.view(weights, name);
    const y = new Float32Array(batch * H);
    for (let b = 0; b < batch; b++) y.fill(x[b * L + L - 1], b * H, (b + 1) * H);

    // Per block, what its backward needs: its input residual, and each MLP layer's input and pre-activation.
    const saved: { block: (typeof blocks)[number]; residual: Float32Array; inputs: Float32Array[]; pres: Float32Array[] }[] = [];
    let residual = x;
    for (const block of blocks) {
      const s = { block, residual, inputs: [] as Float32Array[], pres: [] as Float32Array[] };
      saved.push(s);
      let a = maxPool1d(residual, batch, L, block.kernel);
      let width = block.pooled;
      for (let l = 0; l < mlpLayers; l++) {
        const pre = new Float32Array(batch * hidden);
        s.inputs.push(a);
        s.pres.push(pre);
        a = linear(a, p(`${block.prefix}.mlp${l}.weight`), p(`${block.prefix}.mlp${l}.bias`), batch, width, hidden, "relu", undefined, pre);
        width = hidden;
      }
      s.inputs.push(a);
      const backcast = linear(a, p(`${block.prefix}.backcast.weight`), p(`${block.prefix}.backcast.bias`), batch, hidden, L);
      const knots = linear(a, p(`${block.prefix}.knots.weight`), p(`${block.prefix}.knots.bias`), batch, hidden, block.knots);
      const forecast = interpolateLinear(knots, batch, block.knots, H);
      const next = new Float32Array(batch * L);
      for (let i = 0; i < next.length; i++) next[i] = residual[i] - backcast[i];
      for (let i = 0; i < y.length; i++) y[i] += forecast[i];
      residual = next;
    }

    function backward(dy: Float32Array, grad: Float32Array): Float32Array {
      const g = (name: string) => layout.view(grad, name);
      // dRes: the gradient reaching the residual that enters the block being undone.
      const dRes = new Float32Array(batch * L);
      const dBackcast = new Float32Array(batch * L);
      for (let i = saved.length - 1; i >= 0; i--) {
        const { block, residual: input, inputs, pres } = saved[i];
        const name = block.prefix;
        const top = inputs[mlpLayers];
        for (let j = 0; j < dRes.length; j++) dBackcast[j] = -dRes[j];
        const dKnots = interpolateLinearBackward(dy, batch, block.knots, H);
        let da = new Float32Array(batch * hidden);
        const daBackcast = new Float32Array(batch * hidden);
        linearBackward(top, p(`${name}.knots.weight`), null, dKnots, batch, hidden, block.knots, "none", da, g(`${name}.knots.weight`), g(`${name}.knots.bias`));
        linearBackward(top, p(`${name}.backcast.weight`), null, dBackcast, batch, hidden, L, "none", daBackcast, g(`${name}.backcast.weight`), g(`${name}.backcast.bias`));
        for (let j = 0; j < da.length; j++) da[j] += daBackcast[j];
        for (let l = mlpLayers - 1; l >= 0; l--) {
          const inDim = l === 0 ? block.pooled : hidden;
          const dIn = new Float32Array(batch * inDim);
          linearBackward(inputs[l], p(`${name}.mlp${l}.weight`), pres[l], da, batch, inDim, hidden, "relu", dIn, g(`${name}.mlp${l}.weight`), g(`${name}.mlp${l}.bias`));
          da = dIn;
        }
        const dPool = maxPool1dBackward(input, da, batch, L, block.kernel);
        for (let j = 0; j < dRes.length; j++) dRes[j] += dPool[j];
      }
      // The naive level: every forecast step starts from x[b, L-1].
      for (let b = 0; b < batch; b++) {
        let sum = 0;
        for (let j = 0; j < H; j++) sum += dy[b * H + j];
        dRes[b * L + L - 1] += sum;
      }
      return dRes;
    }

    return { y, backward };
  }

  return { config, layout, forward };
}
