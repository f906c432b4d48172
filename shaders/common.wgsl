// Prepended to every family file by src/gpu/programs.ts.
//
// Every kernel is dispatched as a flat count of workgroups that the executor
// folds into (x, y, z) when it exceeds the device's per-dimension limit
// (65,535 on most devices); `flat_workgroup` undoes the folding, and each
// kernel returns early past `Params.groups`, the count it asked for.
fn flat_workgroup(wg: vec3<u32>, n: vec3<u32>) -> u32 {
  return wg.x + n.x * (wg.y + n.y * wg.z);
}

// Written so exp only sees non-positive arguments: no overflow for any x.
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

// The builtin tanh may go through exp(2x) and give NaN for large |x|;
// tanh(15) already rounds to 1 in f32.
fn tanh_stable(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}

// The tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
fn gelu(x: f32) -> f32 {
  return 0.5 * x * (1.0 + tanh_stable(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

// The activation a pipeline is specialized for: 0 none, 1 relu, 2 gelu, 3 tanh,
// 4 sigmoid (the order of ACTIVATIONS in src/gpu/programs.ts).
override ACT: u32 = 0u;

fn activate(v: f32) -> f32 {
  switch ACT {
    case 1u: { return max(v, 0.0); }
    case 2u: { return gelu(v); }
    case 3u: { return tanh_stable(v); }
    case 4u: { return sigmoid(v); }
    default: { return v; }
  }
}
