// A sentiment classifier from elsewhere (a FinBERT-style ONNX export with
// its vocab.txt), run by onnxruntime-web's wasm backend (one thread) behind
// the ClassifierPort, so `nt news score --model` scores with it instead of
// the word list. onnxruntime-web is imported only when asked for.
import type { ClassifierPort } from "../../src/news/model-sentiment.ts";
import { WeightsError } from "../../src/neural/safetensors.ts";
import { openOnnxSession } from "./onnx.ts";

export interface OnnxClassifier extends ClassifierPort {
  close(): Promise<void>;
}

/** The inputs a BERT-style graph may take; input_ids is required, the others are fed when it has them. */
const KNOWN_INPUTS = ["input_ids", "attention_mask", "token_type_ids"];

/**
 * Opens an ONNX graph taking int64 `input_ids` [batch, tokens] (and, when it
 * has them, `attention_mask` and `token_type_ids` of that shape) and giving
 * float32 logits [batch, classes] as its first output.
 */
export async function loadOnnxClassifier(bytes: Uint8Array, source: string): Promise<OnnxClassifier> {
  const fail = (message: string): never => {
    throw new WeightsError(message, { source });
  };
  const { ort, session } = await openOnnxSession(bytes, source);
  const inputs = session.inputMetadata;
  for (const meta of inputs) {
    if (!KNOWN_INPUTS.includes(meta.name)) fail(`input "${meta.name}" is not one a text classifier takes (${KNOWN_INPUTS.join(", ")})`);
    if (meta.isTensor && meta.type !== "int64") fail(`input "${meta.name}" must be int64, got ${meta.type}`);
  }
  if (!inputs.some((m) => m.name === "input_ids")) fail(`the graph takes no input_ids; its inputs are ${inputs.map((m) => m.name).join(", ") || "none"}`);
  const output = session.outputMetadata[0];
  if (!output?.isTensor || output.type !== "float32") fail(`the first output must be float32 logits [batch, classes], got ${output?.isTensor ? output.type : "a non-tensor"}`);
  return {
    async classify(ids) {
      const n = ids.length;
      const feeds: Record<string, import("onnxruntime-web").Tensor> = {};
      for (const meta of inputs) {
        const data = meta.name === "input_ids" ? BigInt64Array.from(ids, BigInt) : new BigInt64Array(n).fill(meta.name === "attention_mask" ? 1n : 0n);
        feeds[meta.name] = new ort.Tensor("int64", data, [1, n]);
      }
      const y = (await session.run(feeds))[output.name];
      if (y.dims.length !== 2 || y.dims[0] !== 1) fail(`output "${output.name}" came back as [${y.dims.join(", ")}]; expected [1, classes]`);
      return y.data instanceof Float32Array ? y.data : Float32Array.from(y.data as ArrayLike<number>);
    },
    close: () => session.release(),
  };
}
