import type { LstmConfig, Model, NhitsConfig, TransformerConfig } from "./model.ts";
import { knotCount } from "./model.ts";
import { positionalEncoding } from "./ops.ts";

/**
 * Exports a model's forward pass as an ONNX graph (opset 17, IR version 8)
 * built from primitives (MatMul, Add, Relu, MaxPool, Resize, Split, Sigmoid,
 * Tanh, Softmax, ReduceMean, ...), with the weights as initializers: the
 * independent check of the CPU path, run by onnxruntime-web in the tests.
 * Input "x" [batch, inputSize], output "y" [batch, horizon], batch symbolic.
 *
 * The protobuf is written by hand (a few messages of onnx.proto, field
 * numbers as there) so src/ needs no package.
 */
export function exportOnnx(model: Model, weights: Float32Array): Uint8Array {
  const g = new GraphBuilder((name) => model.layout.view(weights, name), model.layout.specs.map((s) => [s.name, s.shape]));
  const { config } = model;
  const y = config.kind === "nhits" ? nhitsGraph(g, config)
    : config.kind === "lstm" ? lstmGraph(g, config)
    : transformerGraph(g, config);
  g.node("Identity", [y], {}, "y");
  return g.encode(config.inputSize, config.horizon);
}

function nhitsGraph(g: GraphBuilder, c: NhitsConfig): string {
  const L = c.inputSize, H = c.horizon;
  let forecast = g.node("Slice", ["x", g.ints([L - 1]), g.ints([L]), g.ints([1])]); // the naive level [B, 1]
  let residual = "x";
  c.poolKernels.forEach((kernel, s) => {
    const p = `block${s}`;
    const pooledSize = Math.ceil(L / kernel);
    let a = residual;
    if (kernel > 1) {
      const pooled = g.node("MaxPool", [g.node("Reshape", [residual, g.ints([-1, 1, L])])], {
        kernel_shape: { ints: [kernel] }, strides: { ints: [kernel] }, ceil_mode: { int: 1 },
      });
      a = g.node("Reshape", [pooled, g.ints([-1, pooledSize])]);
    }
    for (let l = 0; l < c.mlpLayers; l++) a = g.node("Relu", [g.dense(a, `${p}.mlp${l}`)]);
    const backcast = g.dense(a, `${p}.backcast`);
    const knots = g.dense(a, `${p}.knots`);
    const k = knotCount(H, c.downsample[s]);
    const batch = g.node("Slice", [g.node("Shape", [knots]), g.ints([0]), g.ints([1])]);
    const sizes = g.node("Concat", [batch, g.ints([H])], { axis: { int: 0 } });
    const curve = k === H ? knots : g.node("Resize", [knots, "", "", sizes], {
      mode: { string: "linear" }, coordinate_transformation_mode: { string: "half_pixel" },
    });
    residual = g.node("Sub", [residual, backcast]);
    forecast = g.node("Add", [forecast, curve]);
  });
  return forecast;
}

function lstmGraph(g: GraphBuilder, c: LstmConfig): string {
  const T = c.inputSize, H = c.hidden;
  let inputs = Array.from({ length: T }, (_, t) => g.node("Slice", ["x", g.ints([t]), g.ints([t + 1]), g.ints([1])]));
  const split = g.ints([H, H, H, H]);
  for (let l = 0; l < c.layers; l++) {
    let h = "", cell = "";
    const outputs: string[] = [];
    for (let t = 0; t < T; t++) {
      let z = g.node("Add", [g.node("MatMul", [inputs[t], g.weight(`lstm${l}.wx`)]), g.weight(`lstm${l}.bias`)]);
      if (t > 0) z = g.node("Add", [z, g.node("MatMul", [h, g.weight(`lstm${l}.wh`)])]);
      const [zi, zf, zg, zo] = g.nodeOutputs("Split", [z, split], 4, { axis: { int: 1 } });
      const i = g.node("Sigmoid", [zi]), f = g.node("Sigmoid", [zf]), gg = g.node("Tanh", [zg]), o = g.node("Sigmoid", [zo]);
      const ig = g.node("Mul", [i, gg]);
      cell = t === 0 ? ig : g.node("Add", [g.node("Mul", [f, cell]), ig]);
      h = g.node("Mul", [o, g.node("Tanh", [cell])]);
      outputs.push(h);
    }
    inputs = outputs;
  }
  return g.dense(inputs[T - 1], "head");
}

function transformerGraph(g: GraphBuilder, c: TransformerConfig): string {
  const T = c.inputSize, D = c.dModel, d = D / c.heads;
  let h = g.dense(g.node("Reshape", ["x", g.ints([-1, T, 1])]), "input");
  h = g.node("Add", [h, g.constant([T, D], positionalEncoding(T, D))]);
  const heads = (m: string, perm: number[]) =>
    g.node("Transpose", [g.node("Reshape", [g.dense(h, m), g.ints([-1, T, c.heads, d])])], { perm: { ints: perm } });
  const layerNorm = (x: string, name: string) => {
    const centered = g.node("Sub", [x, g.node("ReduceMean", [x], { axes: { ints: [-1] }, keepdims: { int: 1 } })]);
    const variance = g.node("ReduceMean", [g.node("Mul", [centered, centered])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
    const normed = g.node("Div", [centered, g.node("Sqrt", [g.node("Add", [variance, g.scalar(1e-5)])])]);
    return g.node("Add", [g.node("Mul", [normed, g.weight(`${name}.gamma`)]), g.weight(`${name}.beta`)]);
  };
  for (let l = 0; l < c.layers; l++) {
    const p = `layer${l}`;
    const q = heads(`${p}.q`, [0, 2, 1, 3]), kT = heads(`${p}.k`, [0, 2, 3, 1]), v = heads(`${p}.v`, [0, 2, 1, 3]);
    const scores = g.node("Mul", [g.node("MatMul", [q, kT]), g.scalar(1 / Math.sqrt(d))]);
    const att = g.node("MatMul", [g.node("Softmax", [scores], { axis: { int: -1 } }), v]);
    const merged = g.node("Reshape", [g.node("Transpose", [att], { perm: { ints: [0, 2, 1, 3] } }), g.ints([-1, T, D])]);
    h = layerNorm(g.node("Add", [h, g.dense(merged, `${p}.o`)]), `${p}.norm1`);
    // GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const x = g.dense(h, `${p}.ff1`);
    const cube = g.node("Mul", [g.node("Mul", [x, x]), x]);
    const inner = g.node("Mul", [g.node("Add", [x, g.node("Mul", [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
    const gelu = g.node("Mul", [g.node("Mul", [x, g.scalar(0.5)]), g.node("Add", [g.node("Tanh", [inner]), g.scalar(1)])]);
    h = layerNorm(g.node("Add", [h, g.dense(gelu, `${p}.ff2`)]), `${p}.norm2`);
  }
  return g.dense(g.node("Reshape", [h, g.ints([-1, T * D])]), "head");
}

type Attribute = { int: number } | { ints: number[] } | { float: number } | { string: string };

interface Initializer { name: string; dims: number[]; floats?: Float32Array; ints?: number[] }

/** Nodes and initializers of one graph, with generated names. */
class GraphBuilder {
  private readonly nodes: Uint8Array[] = [];
  private readonly initializers = new Map<string, Initializer>();
  private readonly shapes: Map<string, number[]>;
  private count = 0;

  constructor(private readonly param: (name: string) => Float32Array, specs: [string, number[]][]) {
    this.shapes = new Map(specs);
  }

  node(op: string, inputs: string[], attributes: Record<string, Attribute> = {}, output = `${op.toLowerCase()}_${this.count++}`): string {
    this.nodes.push(nodeProto(op, inputs, [output], attributes, `n${this.nodes.length}`));
    return output;
  }

  nodeOutputs(op: string, inputs: string[], n: number, attributes: Record<string, Attribute> = {}): string[] {
    const outputs = Array.from({ length: n }, (_, i) => `${op.toLowerCase()}_${this.count}_${i}`);
    this.count++;
    this.nodes.push(nodeProto(op, inputs, outputs, attributes, `n${this.nodes.length}`));
    return outputs;
  }

  /** A model parameter as an initializer named as in the layout. */
  weight(name: string): string {
    if (!this.initializers.has(name)) this.initializers.set(name, { name, dims: this.shapes.get(name)!, floats: this.param(name) });
    return name;
  }

  /** x·W + b for the parameters `${name}.weight` and `${name}.bias`. */
  dense(x: string, name: string): string {
    return this.node("Add", [this.node("MatMul", [x, this.weight(`${name}.weight`)]), this.weight(`${name}.bias`)]);
  }

  constant(dims: number[], floats: Float32Array): string {
    const name = `const_${this.count++}`;
    this.initializers.set(name, { name, dims, floats });
    return name;
  }

  scalar(v: number): string {
    return this.constant([1], Float32Array.of(v));
  }

  ints(values: number[]): string {
    const name = `ints_${this.count++}`;
    this.initializers.set(name, { name, dims: [values.length], ints: values });
    return name;
  }

  encode(inputSize: number, horizon: number): Uint8Array {
    const graph = new ProtoWriter();
    for (const n of this.nodes) graph.bytes(1, n);
    graph.string(2, "forecast");
    for (const init of this.initializers.values()) graph.bytes(5, tensorProto(init));
    graph.bytes(11, valueInfo("x", inputSize));
    graph.bytes(12, valueInfo("y", horizon));
    const opset = new ProtoWriter();
    opset.string(1, "");
    opset.varint(2, 17);
    const model = new ProtoWriter();
    model.varint(1, 8); // IR version 8 goes with opset 17
    model.string(2, "nt");
    model.bytes(7, graph.finish());
    model.bytes(8, opset.finish());
    return model.finish();
  }
}

function nodeProto(op: string, inputs: string[], outputs: string[], attributes: Record<string, Attribute>, name: string): Uint8Array {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name);
  w.string(4, op);
  for (const [key, value] of Object.entries(attributes)) {
    const a = new ProtoWriter();
    a.string(1, key);
    // AttributeProto: f = 2, i = 3, s = 4, ints = 8; type = 20 (FLOAT 1, INT 2, STRING 3, INTS 7)
    if ("int" in value) { a.varint(3, value.int); a.varint(20, 2); }
    else if ("float" in value) { a.float(2, value.float); a.varint(20, 1); }
    else if ("string" in value) { a.string(4, value.string); a.varint(20, 3); }
    else { for (const v of value.ints) a.varint(8, v); a.varint(20, 7); }
    w.bytes(5, a.finish());
  }
  return w.finish();
}

function tensorProto(t: Initializer): Uint8Array {
  const w = new ProtoWriter();
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, t.floats ? 1 : 7); // FLOAT, INT64
  w.string(8, t.name);
  const raw = t.floats ? new Uint8Array(t.floats.length * 4) : new Uint8Array(t.ints!.length * 8);
  const view = new DataView(raw.buffer);
  if (t.floats) t.floats.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else t.ints!.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  w.bytes(9, raw);
  return w.finish();
}

/** ValueInfoProto of a float tensor [batch, size]. */
function valueInfo(name: string, size: number): Uint8Array {
  const batch = new ProtoWriter();
  batch.string(2, "batch");
  const width = new ProtoWriter();
  width.varint(1, size);
  const shape = new ProtoWriter();
  shape.bytes(1, batch.finish());
  shape.bytes(1, width.finish());
  const tensor = new ProtoWriter();
  tensor.varint(1, 1); // elem_type FLOAT
  tensor.bytes(2, shape.finish());
  const type = new ProtoWriter();
  type.bytes(1, tensor.finish());
  const info = new ProtoWriter();
  info.string(1, name);
  info.bytes(2, type.finish());
  return info.finish();
}

/** The protobuf wire format: varints (wire type 0), fixed32 (5), length-delimited (2). */
class ProtoWriter {
  private readonly chunks: number[] = [];
  private readonly parts: (number[] | Uint8Array)[] = [];

  private tag(field: number, wire: number): void {
    this.raw(BigInt((field << 3) | wire));
  }

  private raw(v: bigint): void {
    let x = BigInt.asUintN(64, v); // negative int64 as ten bytes of two's complement
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.chunks.push(Number(x));
  }

  varint(field: number, v: number): void {
    this.tag(field, 0);
    this.raw(BigInt(v));
  }

  float(field: number, v: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.chunks.push(...b);
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.raw(BigInt(b.length));
    this.flush();
    this.parts.push(b);
  }

  private flush(): void {
    if (this.chunks.length) this.parts.push(this.chunks.splice(0));
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
