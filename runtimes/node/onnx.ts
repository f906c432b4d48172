// An ONNX forecasting model from elsewhere, run by onnxruntime-web's wasm
// backend (one thread) behind the Predictor port, so `nt forecast --onnx`
// forecasts and evaluates it with the same code as the engine's own models.
// onnxruntime-web is imported only when asked for: nothing else needs it.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { ModelConfig, Model } from "../../src/neural/model.ts";
import { ParamLayout } from "../../src/neural/params.ts";
import type { Predictor } from "../../src/neural/predictor.ts";
import { WeightsError } from "../../src/neural/safetensors.ts";
import type { TrainedModel } from "../../src/neural/weights.ts";

export interface OnnxForecaster {
  /** The model's sizes and unit, in the shape forecasts and evaluations read; its weights live in the session. */
  readonly trained: TrainedModel;
  readonly predictor: Predictor;
  close(): Promise<void>;
}

/**
 * Opens an ONNX graph taking one float32 input [batch, L] and giving one
 * output [batch, H]: log closes relative to the window's last close, divided
 * by `scale` (1: plain log ratios; the engine's own exports use their weights'
 * norm.scale), as src/neural/train.ts defines them. L and H are read from the
 * graph; the batch dimension may be symbolic or 1.
 */
/**
 * onnxruntime-web (imported on first use, wasm backend, one thread, its .wasm
 * read from node_modules) with a session over `bytes`; a missing package or a
 * file it cannot read is a WeightsError naming `source`.
 */
export async function openOnnxSession(bytes: Uint8Array, source: string): Promise<{ ort: typeof import("onnxruntime-web"); session: import("onnxruntime-web").InferenceSession }> {
  const fail = (message: string): never => {
    throw new WeightsError(message, { source });
  };
  let ort: typeof import("onnxruntime-web");
  try {
    ort = await import("onnxruntime-web");
  } catch {
    return fail("running an ONNX model needs the onnxruntime-web package: npm install onnxruntime-web");
  }
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = `${dirname(createRequire(import.meta.url).resolve("onnxruntime-web"))}/`;
  let session: import("onnxruntime-web").InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  } catch (e) {
    return fail(`onnxruntime-web cannot load it as an ONNX model: ${String((e as Error)?.message ?? e).slice(0, 300)}`);
  }
  return { ort, session };
}

export async function loadOnnxForecaster(bytes: Uint8Array, source: string, scale: number): Promise<OnnxForecaster> {
  const fail = (message: string): never => {
    throw new WeightsError(message, { source });
  };
  const { ort, session } = await openOnnxSession(bytes, source);
  const [input, output] = [session.inputMetadata, session.outputMetadata].map((list, k) => {
    const what = k === 0 ? "input" : "output";
    if (list.length !== 1) fail(`the graph has ${list.length} ${what}s; a forecaster has one`);
    const meta = list[0];
    if (!meta.isTensor || meta.type !== "float32" || meta.shape.length !== 2 || !(Number(meta.shape[1]) >= 1)) {
      fail(`${what} "${meta.name}" must be a float32 tensor [batch, ${k === 0 ? "L" : "H"}] with a fixed second size, got ` +
        (meta.isTensor ? `${meta.type} [${meta.shape.join(", ")}]` : "a non-tensor"));
    }
    if (meta.isTensor && typeof meta.shape[0] === "number" && meta.shape[0] !== 1) fail(`${what} "${meta.name}" fixes the batch size at ${meta.shape[0]}; it must be symbolic or 1`);
    return meta as import("onnxruntime-web").InferenceSession.TensorValueMetadata;
  });
  const inputSize = Number(input.shape[1]);
  const horizon = Number(output.shape[1]);
  const perWindow = typeof input.shape[0] === "number";

  const run = async (x: Float32Array, count: number): Promise<Float32Array> => {
    const out = await session.run({ [input.name]: new ort.Tensor("float32", x, [count, inputSize]) });
    const y = out[output.name];
    if (y.dims.length !== 2 || y.dims[0] !== count || y.dims[1] !== horizon) {
      fail(`output "${output.name}" came back as [${y.dims.join(", ")}] for [${count}, ${inputSize}] in; expected [${count}, ${horizon}]`);
    }
    return y.data instanceof Float32Array ? y.data : Float32Array.from(y.data as ArrayLike<number>);
  };
  const predictor: Predictor = {
    // onnxruntime-web's wasm backend computes on the CPU.
    backend: "cpu",
    async predict(_model, _weights, x, count) {
      if (!perWindow) return run(x, count);
      const y = new Float32Array(count * horizon);
      for (let n = 0; n < count; n++) y.set(await run(x.slice(n * inputSize, (n + 1) * inputSize), 1), n * horizon);
      return y;
    },
  };
  // Only the sizes are read from it; the forward pass is the session's.
  const model: Model = {
    config: { kind: "onnx", inputSize, horizon } as unknown as ModelConfig,
    layout: new ParamLayout([]),
    forward: () => fail("an ONNX model runs through its predictor"),
  };
  return {
    trained: { model, weights: new Float32Array(0), normalization: { scale }, info: {} },
    predictor,
    close: () => session.release(),
  };
}
