// A sentiment classifier small enough to work out by hand, written as an
// ONNX graph (opset 17) byte by byte: logits = sum over tokens of
// attention_mask[t] * E[input_ids[t]], E a [vocab, 3] table of our choosing.
// The protobuf fields are onnx.proto's.

// ids:             0        1       2       3      4        5       6       7      8      9        10     11
export const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "profit", "beats", "miss", "##es", "un", "##aff", "##able", ","].join("\n");
/** Logits per token, in the order positive, negative, neutral: "beats" +2 positive, "miss" +2 negative, "##es" +0.5 neutral. */
export const TABLE = [[0, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [0.5, 0, 0], [2, 0, 0], [0, 2, 0], [0, 0, 0.5], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]];

/** Protobuf wire format: varints, length-delimited fields. */
class Proto {
  private readonly bytes: number[] = [];
  private varintRaw(v: number): void {
    let x = v;
    while (x >= 0x80) {
      this.bytes.push((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    this.bytes.push(x);
  }
  varint(field: number, v: number): this {
    this.varintRaw(field << 3);
    this.varintRaw(v);
    return this;
  }
  bytesField(field: number, b: Uint8Array | number[]): this {
    this.varintRaw((field << 3) | 2);
    this.varintRaw(b.length);
    this.bytes.push(...b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytesField(field, [...new TextEncoder().encode(s)]);
  }
  message(field: number, m: Proto): this {
    return this.bytesField(field, m.finish());
  }
  finish(): number[] {
    return this.bytes;
  }
}

const FLOAT = 1;
const INT64 = 7;

function node(op: string, inputs: string[], output: string, attrs: Proto[] = []): Proto {
  const n = new Proto();
  for (const i of inputs) n.string(1, i);
  n.string(2, output).string(3, output).string(4, op);
  for (const a of attrs) n.message(5, a);
  return n;
}

const intAttr = (name: string, v: number) => new Proto().string(1, name).varint(3, v).varint(20, 2);

function tensor(name: string, dims: number[], type: number, raw: Uint8Array): Proto {
  const t = new Proto();
  for (const d of dims) t.varint(1, d);
  return t.varint(2, type).string(8, name).bytesField(9, raw);
}

/** A tensor's type and shape; a string dimension is symbolic. */
function valueInfo(name: string, type: number, dims: (number | string)[]): Proto {
  const shape = new Proto();
  for (const d of dims) shape.message(1, typeof d === "number" ? new Proto().varint(1, d) : new Proto().string(2, d));
  return new Proto().string(1, name).message(2, new Proto().message(1, new Proto().varint(1, type).message(2, shape)));
}

/** The classifier's ONNX bytes for an embedding table `table` ([vocab][3]); `withMask` adds attention_mask. */
export function tinyClassifier(table: number[][], withMask = true): Uint8Array {
  const floats = new Float32Array(table.flat());
  const axes = new Uint8Array(new BigInt64Array([1n]).buffer);
  const graph = new Proto().message(1, node("Gather", ["E", "input_ids"], "x"));
  let summed = "x";
  if (withMask) {
    const unsqueezeAxes = new Uint8Array(new BigInt64Array([2n]).buffer);
    graph.message(1, node("Cast", ["attention_mask"], "m", [intAttr("to", FLOAT)]))
      .message(1, node("Unsqueeze", ["m", "axis2"], "m3"))
      .message(1, node("Mul", ["x", "m3"], "xm"));
    graph.message(5, tensor("axis2", [1], INT64, unsqueezeAxes));
    summed = "xm";
  }
  graph.message(1, node("ReduceSum", [summed, "axis1"], "logits", [intAttr("keepdims", 0)]))
    .string(2, "tiny-sentiment")
    .message(5, tensor("E", [table.length, 3], FLOAT, new Uint8Array(floats.buffer)))
    .message(5, tensor("axis1", [1], INT64, axes))
    .message(11, valueInfo("input_ids", INT64, [1, "tokens"]));
  if (withMask) graph.message(11, valueInfo("attention_mask", INT64, [1, "tokens"]));
  graph.message(12, valueInfo("logits", FLOAT, [1, 3]));
  const model = new Proto().varint(1, 8).string(2, "nt-test").message(7, graph).message(8, new Proto().string(1, "").varint(2, 17));
  return Uint8Array.from(model.finish());
}
