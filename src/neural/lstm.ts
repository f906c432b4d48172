import type { ForwardPass, LstmConfig, Model } from "./model.ts";
import { linear, linearBackward, lstmCell, lstmCellBackward } from "./ops.ts";
import { fanInInit, ParamLayout, type ParamSpec } from "./params.ts";

/**
 * A stacked LSTM read over the window one value per step (gates [i | f | g | o],
 * zero initial state), and a linear head giving the whole horizon at once
 * from the top layer's last hidden state.
 *
 * Parameters: lstm{l}.wx [in, 4H], lstm{l}.wh [H, 4H], lstm{l}.bias [4H]
 * (PyTorch's b_ih + b_hh in one), head.weight [H, horizon], head.bias.
 */
export function lstmModel(config: LstmConfig): Model<LstmConfig> {
  const { inputSize: T, horizon, hidden: H, layers } = config;
  const specs: ParamSpec[] = [];
  for (let l = 0; l < layers; l++) {
    const inDim = l === 0 ? 1 : H;
    // PyTorch draws every LSTM parameter from ±1/√H.
    specs.push({ name: `lstm${l}.wx`, shape: [inDim, 4 * H], init: fanInInit(H) });
    specs.push({ name: `lstm${l}.wh`, shape: [H, 4 * H], init: fanInInit(H) });
    specs.push({ name: `lstm${l}.bias`, shape: [4 * H], init: fanInInit(H) });
  }
  specs.push({ name: "head.weight", shape: [H, horizon], init: fanInInit(H) });
  specs.push({ name: "head.bias", shape: [horizon], init: fanInInit(H) });
  const layout = new ParamLayout(specs);

  function forward(weights: Float32Array, x: Float32Array, batch: number): ForwardPass {
    const p = (name: string) => layout.view(weights, name);
    // inputs[l][t]: layer l's input at step t; hs/cs[l][t + 1]: its state after step t (index 0: zeros).
    const zeros = new Float32Array(batch * H);
    const inputs: Float32Array[][] = [];
    const hs: Float32Array[][] = [];
    const cs: Float32Array[][] = [];
    const gates: Float32Array[][] = [];
    for (let l = 0; l < layers; l++) {
      inputs.push(l === 0 ? stepColumns(x, batch, T) : hs[l - 1].slice(1));
      hs.push([zeros]);
      cs.push([zeros]);
      gates.push([]);
      const inDim = l === 0 ? 1 : H;
      for (let t = 0; t < T; t++) {
        const h = new Float32Array(batch * H), c = new Float32Array(batch * H), g = new Float32Array(batch * 4 * H);
        lstmCell(inputs[l][t], hs[l][t], cs[l][t], p(`lstm${l}.wx`), p(`lstm${l}.wh`), p(`lstm${l}.bias`), batch, inDim, H, h, c, g);
        hs[l].push(h);
        cs[l].push(c);
        gates[l].push(g);
      }
    }
    const last = hs[layers - 1][T];
    const y = linear(last, p("head.weight"), p("head.bias"), batch, H, horizon);

    function backward(dy: Float32Array, grad: Float32Array): Float32Array {
      const g = (name: string) => layout.view(grad, name);
      // dAbove[t]: the gradient reaching this layer's h at step t from above (the head, or the next layer's input).
      let dAbove: (Float32Array | null)[] = new Array(T).fill(null);
      dAbove[T - 1] = new Float32Array(batch * H);
      linearBackward(last, p("head.weight"), null, dy, batch, H, horizon, "none", dAbove[T - 1], g("head.weight"), g("head.bias"));
      for (let l = layers - 1; l >= 0; l--) {
        const inDim = l === 0 ? 1 : H;
        const dInputs: Float32Array[] = [];
        let dh = new Float32Array(batch * H), dc = new Float32Array(batch * H);
        for (let t = T - 1; t >= 0; t--) {
          const dhNew = dh;
          const above = dAbove[t];
          if (above) for (let i = 0; i < dhNew.length; i++) dhNew[i] += above[i];
          const dx = new Float32Array(batch * inDim);
          const dhPrev = new Float32Array(batch * H), dcPrev = new Float32Array(batch * H);
          lstmCellBackward(
            inputs[l][t], hs[l][t], cs[l][t], cs[l][t + 1], gates[l][t], p(`lstm${l}.wx`), p(`lstm${l}.wh`), dhNew, dc,
            batch, inDim, H, dx, dhPrev, dcPrev, g(`lstm${l}.wx`), g(`lstm${l}.wh`), g(`lstm${l}.bias`),
          );
          dInputs[t] = dx;
          dh = dhPrev;
          dc = dcPrev;
        }
        dAbove = dInputs;
      }
      // Layer 0's inputs were single columns: gather them back into [B, T].
      const dxWindow = new Float32Array(batch * T);
      for (let t = 0; t < T; t++) for (let b = 0; b < batch; b++) dxWindow[b * T + t] = dAbove[t]![b];
      return dxWindow;
    }

    return { y, backward };
  }

  return { config, layout, forward };
}

/** x [B, T] as T columns [B, 1]: the per-step inputs of the first layer. */
function stepColumns(x: Float32Array, batch: number, steps: number): Float32Array[] {
  const columns: Float32Array[] = [];
  for (let t = 0; t < steps; t++) {
    const col = new Float32Array(batch);
    for (let b = 0; b < batch; b++) col[b] = x[b * steps + t];
    columns.push(col);
  }
  return columns;
}
