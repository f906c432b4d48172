// Float32 activations on four lanes at once, with no host calls (Math.exp
// and Math.tanh on f64 would cost a conversion each way and run one lane).
// Accuracy: exp within 2 float32 ulps (Cephes expf's polynomial), and every
// activation within about 1e-7 (absolute, near 0) or a few ulps (relative)
// of the float64 reference (src/neural/ops.ts), far inside the 1e-4 the
// models are held to.

// The activation codes: the order of ACTIVATIONS in src/gpu/programs.ts.
export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_GELU = 2;
export const ACT_TANH = 3;
export const ACT_SIGMOID = 4;

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** e^x per lane; inputs clamped to [-87.3, 88.3], where e^x stays a normal float32. */
// @ts-ignore: decorator
@inline export function exp4(v: v128): v128 {
  // pmin/pmax are single instructions; min/max's NaN and signed-zero rules cost several.
  const x = f32x4.pmax(f32x4.pmin(v, splat(88.3)), splat(-87.3));
  // n = round(x / ln2) by the 1.5·2^23 trick: adding it leaves n in the low mantissa bits.
  const shifted = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), splat(12582912.0));
  const n = f32x4.sub(shifted, splat(12582912.0));
  // x = n ln2 + r with |r| <= ln2 / 2; ln2 split in two so n ln2 is exact enough.
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, splat(2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  p = f32x4.add(f32x4.mul(f32x4.mul(p, r), r), f32x4.add(r, splat(1)));
  // 2^n from the exponent bits: the low bits of `shifted` are n + 0x400000, the mantissa offset of 1.5·2^23.
  const scale = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - 0x400000)), 23);
  return f32x4.mul(p, scale);
}

/** 1 / (1 + e^−x) per lane. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x))));
}

/**
 * tanh per lane as (1 − e^−2|x|) / (1 + e^−2|x|) with x's sign: one exp and
 * one division. Near 0 its error is absolute (about 1e-7), not relative.
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const t = exp4(f32x4.mul(f32x4.abs(x), splat(-2)));
  return v128.or(f32x4.div(f32x4.sub(splat(1), t), f32x4.add(splat(1), t)), v128.and(x, i32x4.splat(0x80000000)));
}

/** The tanh approximation of GELU, as src/neural/ops.ts gelu: 0.5·x·(1 + tanh(u)) = x·sigmoid(2u), without cancellation. */
// @ts-ignore: decorator
@inline export function gelu4(x: v128): v128 {
  const inner = f32x4.mul(splat(2 * 0.7978845608028654), f32x4.add(x, f32x4.mul(splat(0.044715), f32x4.mul(f32x4.mul(x, x), x))));
  return f32x4.mul(x, sigmoid4(inner));
}

/** act(v) per lane. ReLU maps NaN to 0, as the reference does. */
// @ts-ignore: decorator
@inline export function activate4(v: v128, act: i32): v128 {
  switch (act) {
    case ACT_RELU: return f32x4.pmax(f32x4.splat(0), v);
    case ACT_GELU: return gelu4(v);
    case ACT_TANH: return tanh4(v);
    case ACT_SIGMOID: return sigmoid4(v);
    default: return v;
  }
}

/** act(v) for one value, through lane 0 of the four-lane form (the same rounding as the vector path). */
export function activate1(v: f32, act: i32): f32 {
  return act == ACT_NONE ? v : f32x4.extract_lane(activate4(f32x4.splat(v), act), 0);
}
