import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { defaultConfig, type ModelConfig } from "../../src/neural/model.ts";
import { createModel } from "../../src/neural/models.ts";
import { Random } from "../../src/core/random.ts";
import { checkGradient, probe, randomArray } from "./gradcheck.ts";

// Whole-model gradient checks on small sizes: central differences (eps 1e-3,
// float32 forward, float64 probe sum) against the backward for every weight
// and every input value, to 5e-3 of max(1, the largest analytic entry). The
// step is smaller than in the op checks because NHITS's ReLUs and max-pools
// have kinks; entries whose step straddles one are skipped (at most 2%, see
// checkGradient).
const small: ModelConfig[] = [
  { kind: "nhits", inputSize: 12, horizon: 4, hidden: 8, mlpLayers: 2, poolKernels: [2, 3, 1], downsample: [4, 2, 1] },
  { kind: "lstm", inputSize: 6, horizon: 3, hidden: 5, layers: 2 },
  { kind: "transformer", inputSize: 5, horizon: 3, dModel: 8, heads: 2, layers: 2, ffSize: 12 },
];

describe.each(small)("$kind", (config) => {
  it("backward matches finite differences for every weight and input", () => {
    const model = createModel(config);
    const rng = new Random(21);
    const weights = model.layout.initialize(rng);
    const batch = 3;
    const x = randomArray(rng, batch * config.inputSize, 2);
    const r = randomArray(rng, batch * config.horizon);
    const pass = model.forward(weights, x, batch);
    expect(pass.y.length).toBe(batch * config.horizon);
    const grad = new Float32Array(model.layout.size);
    const dx = pass.backward(r, grad);
    const loss = () => probe(model.forward(weights, x, batch).y, r);
    const kinks = config.kind === "nhits";
    checkGradient("dθ", weights, grad, loss, { eps: 1e-3, tol: 5e-3, kinks });
    checkGradient("dx", x, dx, loss, { eps: 1e-3, tol: 5e-3, kinks });
  });

  it("treats each window of a batch on its own", () => {
    const model = createModel(config);
    const rng = new Random(22);
    const weights = model.layout.initialize(rng);
    const x = randomArray(rng, 4 * config.inputSize);
    const all = model.forward(weights, x, 4).y;
    for (let b = 0; b < 4; b++) {
      const one = model.forward(weights, x.slice(b * config.inputSize, (b + 1) * config.inputSize), 1).y;
      for (let j = 0; j < config.horizon; j++) expect(one[j]).toBeCloseTo(all[b * config.horizon + j], 5);
    }
  });
});

describe("model descriptions", () => {
  it("NHITS starts from the window's last value: with zero weights the forecast is the naive one", () => {
    const model = createModel(small[0]);
    const x = Float32Array.from({ length: 24 }, (_, i) => i * 0.5);
    const y = model.forward(new Float32Array(model.layout.size), x, 2).y;
    expect([...y]).toEqual([5.5, 5.5, 5.5, 5.5, 11.5, 11.5, 11.5, 11.5]);
  });

  it("names and shapes every parameter; the default sizes have the stated counts", () => {
    const names = createModel(small[1]).layout.specs.map((s) => `${s.name}:${s.shape.join("x")}`);
    expect(names).toEqual([
      "lstm0.wx:1x20", "lstm0.wh:5x20", "lstm0.bias:20", "lstm1.wx:5x20", "lstm1.wh:5x20", "lstm1.bias:20",
      "head.weight:5x3", "head.bias:3",
    ]);
    const counts = (["nhits", "lstm", "transformer"] as const).map((k) => createModel(defaultConfig(k)).layout.size);
    // NHITS: 3 blocks, pooled inputs 32, 32, 64 → 128 → 128 → backcast 64 + knots 2, 4, 8.
    const block = (pooled: number, knots: number) => (pooled + 1) * 128 + 129 * 128 + 129 * 64 + 129 * knots;
    // LSTM: layer 0 (1 + 32 + 1)·128, layer 1 (32 + 32 + 1)·128, head 33·8.
    // Transformer (D 16, F 64): input 2·16, per layer 4·17·16 + 2·2·16 + 17·64 + 65·16, head (64·16 + 1)·8.
    expect(counts).toEqual([
      block(32, 2) + block(32, 4) + block(64, 8),
      34 * 128 + 65 * 128 + 33 * 8,
      32 + 2 * (4 * 17 * 16 + 64 + 17 * 64 + 65 * 16) + (64 * 16 + 1) * 8,
    ]);
  });

  it("refuses a bad size with a ConfigError naming the field", () => {
    expect(() => createModel({ ...small[2], heads: 3 } as ModelConfig)).toThrow(ConfigError);
    expect(() => createModel({ ...small[2], heads: 3 } as ModelConfig)).toThrow(/heads/);
    expect(() => createModel({ ...small[0], downsample: [1, 2] } as ModelConfig)).toThrow(/downsample/);
    expect(() => createModel({ ...small[1], hidden: 0 } as ModelConfig)).toThrow(/hidden/);
    expect(() => createModel({ ...small[1], kind: "gru" } as unknown as ModelConfig)).toThrow(/kind/);
  });
});
