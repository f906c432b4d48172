import type { Random } from "../core/random.ts";

/** How a parameter starts: uniform on ±bound (PyTorch's default for Linear and LSTM), or a constant. */
export type ParamInit = { uniform: number } | { constant: number };

/** One named parameter tensor of a model. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: ParamInit;
}

/** Uniform on ±1/√fanIn: what PyTorch gives nn.Linear weights and biases. */
export function fanInInit(fanIn: number): ParamInit {
  return { uniform: 1 / Math.sqrt(fanIn) };
}

/**
 * Where each named parameter lives in one flat Float32Array, in the order of
 * the specs. One flat buffer keeps Adam a single loop and makes gradients,
 * moments and weights share one layout.
 */
export class ParamLayout {
  readonly specs: readonly ParamSpec[];
  readonly size: number;
  private readonly ranges = new Map<string, [number, number]>();

  constructor(specs: ParamSpec[]) {
    this.specs = specs;
    let offset = 0;
    for (const spec of specs) {
      if (this.ranges.has(spec.name)) throw new Error(`parameter "${spec.name}" declared twice`);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      this.ranges.set(spec.name, [offset, offset + size]);
      offset += size;
    }
    this.size = offset;
  }

  /** The view of parameter `name` inside a flat buffer of this layout. */
  view(buffer: Float32Array, name: string): Float32Array {
    const range = this.ranges.get(name);
    if (!range) throw new Error(`no parameter named "${name}"`);
    return buffer.subarray(range[0], range[1]);
  }

  /** Fresh parameters drawn in spec order from `rng`. */
  initialize(rng: Random): Float32Array {
    const buffer = new Float32Array(this.size);
    for (const spec of this.specs) {
      const v = this.view(buffer, spec.name);
      const init = spec.init;
      if ("constant" in init) v.fill(init.constant);
      else for (let i = 0; i < v.length; i++) v[i] = (2 * rng.uniform() - 1) * init.uniform;
    }
    return buffer;
  }
}
