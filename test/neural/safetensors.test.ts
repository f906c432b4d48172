import { describe, expect, it } from "vitest";
import type { ModelConfig } from "../../src/neural/model.ts";
import { createModel } from "../../src/neural/models.ts";
import { decodeSafetensors, encodeSafetensors, type Tensor, WeightsError } from "../../src/neural/safetensors.ts";
import { loadWeights, saveWeights } from "../../src/neural/weights.ts";
import { Random } from "../../src/core/random.ts";

/** A file assembled by hand: header JSON (unpadded), then the little-endian bytes given. */
function handMade(header: unknown, data: number[] = [], headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...values: number[]) => [...new Uint8Array(Float32Array.from(values).buffer)]; // little-endian hosts

const expectError = (bytes: Uint8Array, pattern: RegExp, field?: string) => {
  let error: unknown;
  try {
    decodeSafetensors(bytes, "w.safetensors");
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WeightsError);
  expect((error as WeightsError).message).toMatch(pattern);
  expect((error as WeightsError).message).toMatch(/^w\.safetensors: /);
  if (field) expect((error as WeightsError).field).toBe(field);
};

describe("safetensors", () => {
  it("reads a file assembled by hand from the format's description", () => {
    const bytes = handMade(
      { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1, 1], data_offsets: [8, 12] }, __metadata__: { k: "v" } },
      [...f32(1.5, -2), ...f32(3)],
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ k: "v" });
    expect([...tensors.get("a")!.data]).toEqual([1.5, -2]);
    expect(tensors.get("b")!.shape).toEqual([1, 1]);
    expect([...tensors.get("b")!.data]).toEqual([3]);
  });

  it("round-trips tensors and metadata, with the header padded to 8 bytes", () => {
    const tensors = new Map<string, Tensor>([
      ["w", { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
      ["b", { shape: [3], data: Float32Array.of(-0.5, 1e-30, 3.4e38) }],
      ["empty", { shape: [0], data: new Float32Array(0) }],
    ]);
    const bytes = encodeSafetensors(tensors, { note: "ü" });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + n) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ note: "ü" });
    for (const [name, t] of tensors) {
      expect(back.tensors.get(name)!.shape).toEqual(t.shape);
      expect([...back.tensors.get(name)!.data]).toEqual([...t.data]);
    }
  });

  it("names each kind of corruption", () => {
    const good = { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
    expectError(new Uint8Array(5), /5 bytes, too short/);
    expectError(handMade(good, f32(1, 2), 4000), /header length 4000 runs past the end/);
    expectError(handMade("{\"a\": [", f32(1, 2)), /not valid UTF-8 JSON/);
    expectError(handMade("[1, 2]"), /not a JSON object/);
    expectError(handMade({ a: { dtype: "F16", shape: [4], data_offsets: [0, 8] } }, f32(1, 2)), /dtype "F16" is not supported/, "a");
    expectError(handMade({ a: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, f32(1, 2)), /shape/, "a");
    expectError(handMade({ a: { dtype: "F32", shape: [2], data_offsets: [8, 0] } }, f32(1, 2)), /begin <= end/, "a");
    expectError(handMade(good, f32(1)), /run past the 4 data bytes: the file is truncated/, "a");
    expectError(handMade({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), /hold 8 bytes but shape \[3\] of F32 needs 12/, "a");
    expectError(handMade({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /overlap tensor "a"/, "b");
    expectError(handMade({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /bytes 0..4 of the data belong to no tensor/, "a");
    expectError(handMade(good, f32(1, 2, 3)), /4 bytes after the last tensor/);
    expectError(handMade({ ...good, __metadata__: { n: 3 } }, f32(1, 2)), /"n" is not a string/, "__metadata__.n");
  });
});

describe("model weights", () => {
  const config: ModelConfig = { kind: "lstm", inputSize: 6, horizon: 3, hidden: 4, layers: 1 };
  const model = createModel(config);
  const weights = model.layout.initialize(new Random(1));
  const file = saveWeights(model, weights, { scale: 0.0125 }, { "train.seed": "1" });

  /** The file rewritten with its header changed by `edit` (data untouched). */
  const rewrite = (edit: (header: Record<string, any>) => void) => {
    const n = new DataView(file.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
    edit(header);
    return handMade(header, [...file.subarray(8 + n)]);
  };
  const expectLoadError = (bytes: Uint8Array, pattern: RegExp, field: string) => {
    expect(() => loadWeights(bytes, "m.safetensors")).toThrow(WeightsError);
    expect(() => loadWeights(bytes, "m.safetensors")).toThrow(pattern);
    try { loadWeights(bytes); } catch (e) { expect((e as WeightsError).field).toBe(field); }
  };

  it("round-trip the architecture, the normalization and every weight bit for bit", () => {
    const back = loadWeights(file);
    expect(back.model.config).toEqual(config);
    expect(back.normalization).toEqual({ scale: 0.0125 });
    expect(back.info).toEqual({ "train.seed": "1" });
    expect(new Uint8Array(back.weights.buffer)).toEqual(new Uint8Array(weights.buffer));
  });

  it("refuse a file that does not fit the architecture it claims", () => {
    expectLoadError(rewrite((h) => (h.__metadata__["model.hidden"] = "5")), /shape \[1,16\] does not match \[1,20\]/, "lstm0.wx");
    expectLoadError(rewrite((h) => { h.extra = h["head.bias"]; delete h["head.bias"]; }), /no tensor "head.bias"/, "head.bias");
    expectLoadError(rewrite((h) => (h.__metadata__["nt.format_version"] = "9")), /format version "9" is not supported/, "nt.format_version");
    expectLoadError(rewrite((h) => (h.__metadata__["model.kind"] = "gru")), /model.kind "gru"/, "model.kind");
    expectLoadError(rewrite((h) => (h.__metadata__["model.layers"] = "0")), /architecture in __metadata__ is invalid: layers/, "model.layers");
    expectLoadError(rewrite((h) => (h.__metadata__["model.heads"] = "2")), /model.heads is not a size of a lstm model/, "model.heads");
    expectLoadError(rewrite((h) => (h.__metadata__["norm.scale"] = "-1")), /norm.scale "-1"/, "norm.scale");
    expectLoadError(rewrite((h) => delete h.__metadata__["model.horizon"]), /horizon/, "model.horizon");
  });

  it("refuse non-finite weights and tensors the model does not have", () => {
    const bad = weights.slice();
    model.layout.view(bad, "head.bias")[1] = NaN;
    expectLoadError(saveWeights(model, bad, { scale: 0.0125 }), /value 1 is NaN/, "head.bias");
    const bigger = createModel({ ...config, layers: 2 });
    const twoLayers = saveWeights(bigger, bigger.layout.initialize(new Random(2)), { scale: 0.0125 });
    const n = new DataView(twoLayers.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(twoLayers.subarray(8, 8 + n)));
    header.__metadata__["model.layers"] = "1";
    expectLoadError(handMade(header, [...twoLayers.subarray(8 + n)]), /tensors lstm1.bias, lstm1.wh, lstm1.wx are not part of a lstm model/, "lstm1.bias");
  });
});
