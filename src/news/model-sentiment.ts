import { ConfigError } from "../core/errors.ts";
import type { WordPieceTokenizer } from "./wordpiece.ts";

/**
 * A sentiment classifier as the host runs it (onnxruntime-web in
 * runtimes/node/onnx-sentiment.ts): token ids of one text in, one logit
 * per class out. Injected, so src/ loads no runtime of its own.
 */
export interface ClassifierPort {
  classify(ids: readonly number[]): Promise<Float32Array>;
}

/** Which output class means what, by index (FinBERT's order is positive, negative, neutral). */
export interface ClassLabels {
  readonly positive: number;
  readonly negative: number;
}

export interface ModelScore {
  /** P(positive) − P(negative), in [-1, 1]. */
  readonly score: number;
  readonly probabilities: readonly number[];
}

/** The class order of a --labels list such as "positive,negative,neutral". */
export function classLabels(list: string): ClassLabels {
  const names = list.split(",").map((s) => s.trim().toLowerCase());
  const positive = names.indexOf("positive");
  const negative = names.indexOf("negative");
  if (positive < 0 || negative < 0 || new Set(names).size !== names.length) {
    throw new ConfigError(`labels must name each output class once, positive and negative among them (e.g. positive,negative,neutral), got ${JSON.stringify(list)}`, { field: "labels" });
  }
  return { positive, negative };
}

/** Scores texts with a model: the tokenizer's ids through the classifier, softmax, P(positive) − P(negative). */
export class ModelSentiment {
  constructor(private readonly tokenizer: WordPieceTokenizer, private readonly classifier: ClassifierPort, private readonly labels: ClassLabels) {}

  async score(text: string): Promise<ModelScore> {
    const logits = await this.classifier.classify(this.tokenizer.encode(text).ids);
    const { positive, negative } = this.labels;
    if (logits.length <= Math.max(positive, negative)) {
      throw new ConfigError(`the model gives ${logits.length} classes; the labels name class ${Math.max(positive, negative) + 1}`, { field: "labels" });
    }
    const top = Math.max(...logits);
    const exp = Array.from(logits, (z) => Math.exp(z - top));
    const total = exp.reduce((a, b) => a + b, 0);
    const probabilities = exp.map((e) => e / total);
    return { score: probabilities[positive] - probabilities[negative], probabilities };
  }
}
