// Elementwise kernels and simple reductions over flat tensors, one thread per
// output (columnSum: per column; maeLoss: one workgroup). What the forward
// passes need between the matmuls (residual sums, the positional encoding)
// and what the backward passes need (activation derivatives, the loss
// gradient, bias gradients as column sums).

struct Params {
  groups: u32,
  // Elements of the output (axpby, activationGrad, maeGrad, transpose) or of a (maeLoss).
  n: u32,
  // Elements of b; axpby reads b[i % nb], so a [T, D] b broadcasts over a [B·T, D] a.
  nb: u32,
  rows: u32,
  cols: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

override HAS_B: bool = false;

fn index(wg: vec3<u32>, nwg: vec3<u32>, li: u32) -> u32 {
  return flat_workgroup(wg, nwg) * 64u + li;
}

/** y = alpha·a + beta·b (b broadcast by repetition; absent: y = alpha·a). */
@compute @workgroup_size(64)
fn axpby(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = index(wg, nwg, li);
  if (i >= p.n) { return; }
  var v = p.alpha * a[i];
  if (HAS_B) { v += p.beta * b[i % p.nb]; }
  y[i] = v;
}

/** y = act(a): the activation apart from its matmul, when training keeps the pre-activation. */
@compute @workgroup_size(64)
fn activation(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = index(wg, nwg, li);
  if (i >= p.n) { return; }
  y[i] = activate(a[i]);
}

/** d act(z) / dz, as src/neural/ops.ts's activationDerivative. */
fn activation_grad(z: f32) -> f32 {
  switch ACT {
    case 1u: { return select(0.0, 1.0, z > 0.0); }
    case 2u: {
      let t = tanh_stable(0.7978845608028654 * (z + 0.044715 * z * z * z));
      return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * z * z);
    }
    case 3u: { let t = tanh_stable(z); return 1.0 - t * t; }
    case 4u: { let s = sigmoid(z); return s * (1.0 - s); }
    default: { return 1.0; }
  }
}

/** dZ = dY ⊙ act'(Z): a = dY, b = Z (the pre-activation). */
@compute @workgroup_size(64)
fn activationGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = index(wg, nwg, li);
  if (i >= p.n) { return; }
  y[i] = a[i] * activation_grad(b[i]);
}

/** The gradient of the mean absolute error: sign(a − b) · alpha, alpha = 1/n. */
@compute @workgroup_size(64)
fn maeGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = index(wg, nwg, li);
  if (i >= p.n) { return; }
  y[i] = sign(a[i] - b[i]) * p.alpha;
}

var<workgroup> partial: array<f32, 64>;

/** y[0] = alpha · Σ|a − b| over n elements, in one workgroup. */
@compute @workgroup_size(64)
fn maeLoss(@builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var i = li; i < p.n; i += 64u) { s += abs(a[i] - b[i]); }
  partial[li] = s;
  workgroupBarrier();
  for (var k = 32u; k > 0u; k >>= 1u) {
    if (li < k) { partial[li] += partial[li + k]; }
    workgroupBarrier();
  }
  if (li == 0u) { y[0] = partial[0] * p.alpha; }
}

/** y[j] = Σ_r a[r, j] over a [rows, cols]: the bias gradient from dZ. */
@compute @workgroup_size(64)
fn columnSum(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let j = index(wg, nwg, li);
  if (j >= p.cols) { return; }
  var s = 0.0;
  for (var r = 0u; r < p.rows; r++) { s += a[r * p.cols + j]; }
  y[j] = s;
}

/** y [P, cols, rows] from a [P, rows, cols]: a sequence batch-major to step-major and back. */
@compute @workgroup_size(64)
fn transpose(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = index(wg, nwg, li);
  if (i >= p.n) { return; }
  let size = p.rows * p.cols;
  let rem = i % size;
  let c = rem / p.rows;
  let r = rem % p.rows;
  y[i] = a[i - rem + r * p.cols + c];
}
