// A sentiment model the user supplies: BERT's WordPiece tokenizer on a small
// vocabulary, and a hand-made ONNX classifier run by onnxruntime-web whose
// logits and probabilities are worked out by hand.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { classLabels, ModelSentiment } from "../../src/news/model-sentiment.ts";
import { WordPieceTokenizer } from "../../src/news/wordpiece.ts";
import { loadOnnxClassifier } from "../../runtimes/node/onnx-sentiment.ts";
import { TABLE, tinyClassifier, VOCAB } from "./tiny-classifier.ts";

describe("WordPiece tokenizer", () => {
  const tokenizer = new WordPieceTokenizer(VOCAB);

  it("splits on spaces and punctuation, lower-cases, strips accents, cuts words into the longest pieces", () => {
    expect(tokenizer.encode("Profit BEATS, unaffable")).toEqual({ ids: [2, 4, 5, 11, 8, 9, 10, 3], pieces: ["[CLS]", "profit", "beats", ",", "un", "##aff", "##able", "[SEP]"] });
    expect(tokenizer.encode("Misses").pieces).toEqual(["[CLS]", "miss", "##es", "[SEP]"]);
    expect(tokenizer.encode("Prófit").pieces).toEqual(["[CLS]", "profit", "[SEP]"]);
    // A word it cannot cut in full is one [UNK]; so is punctuation it lacks.
    expect(tokenizer.encode("profits unknown!").ids).toEqual([2, 1, 1, 1, 3]);
    expect(new WordPieceTokenizer(VOCAB, { lowercase: false }).encode("Profit profit").ids).toEqual([2, 1, 4, 3]);
    expect(new WordPieceTokenizer(VOCAB, { maxLength: 4 }).encode("profit beats miss").pieces).toEqual(["[CLS]", "profit", "beats", "[SEP]"]);
  });

  it("refuses a vocabulary without BERT's special pieces", () => {
    expect(() => new WordPieceTokenizer("a\nb\n", { source: "vocab.txt" })).toThrow(ConfigError);
    expect(() => new WordPieceTokenizer("a\nb\n", { source: "vocab.txt" })).toThrow("vocab.txt: the vocabulary has no [CLS]: it is not a BERT WordPiece vocabulary (vocab.txt)");
  });
});

describe("an ONNX sentiment model", () => {
  it("scores P(positive) - P(negative) from the model's logits, worked by hand", async () => {
    const classifier = await loadOnnxClassifier(tinyClassifier(TABLE), "tiny.onnx");
    try {
      const model = new ModelSentiment(new WordPieceTokenizer(VOCAB), classifier, classLabels("positive,negative,neutral"));
      // "Profit beats": logits [0.5 + 2, 0, 0] = [2.5, 0, 0]; softmax: e^2.5 / (e^2.5 + 2).
      const beats = await model.score("Profit beats");
      const p = Math.exp(2.5) / (Math.exp(2.5) + 2);
      expect(beats.probabilities[0]).toBeCloseTo(p, 6);
      expect(beats.score).toBeCloseTo(p - (1 - p) / 2, 6);
      // "misses": [0, 2, 0.5]; score = (1 - e^2) / (1 + e^2 + e^0.5).
      expect((await model.score("misses")).score).toBeCloseTo((1 - Math.exp(2)) / (1 + Math.exp(2) + Math.exp(0.5)), 6);
      // The class order is the model's: read as negative,positive,neutral the same logits flip sign.
      const flipped = new ModelSentiment(new WordPieceTokenizer(VOCAB), classifier, classLabels("negative,positive,neutral"));
      expect((await flipped.score("Profit beats")).score).toBeCloseTo(-beats.score, 6);
    } finally {
      await classifier.close();
    }
  }, 60_000);

  it("feeds only the inputs the graph has (no attention_mask here)", async () => {
    const classifier = await loadOnnxClassifier(tinyClassifier(TABLE, false), "tiny.onnx");
    try {
      expect(Array.from(await classifier.classify([2, 5, 3]))).toEqual([2, 0, 0]);
    } finally {
      await classifier.close();
    }
  }, 60_000);

  it("names what is wrong: not ONNX, labels that do not fit", async () => {
    await expect(loadOnnxClassifier(new Uint8Array([1, 2, 3]), "junk.onnx")).rejects.toThrow(/^junk\.onnx: onnxruntime-web cannot load it as an ONNX model/);
    expect(() => classLabels("good,bad")).toThrow('labels must name each output class once, positive and negative among them (e.g. positive,negative,neutral), got "good,bad"');
    const classifier = await loadOnnxClassifier(tinyClassifier(TABLE), "tiny.onnx");
    try {
      const model = new ModelSentiment(new WordPieceTokenizer(VOCAB), classifier, classLabels("neutral,x,y,positive,negative"));
      await expect(model.score("profit")).rejects.toThrow("the model gives 3 classes; the labels name class 5");
    } finally {
      await classifier.close();
    }
  }, 60_000);
});
