// Adam (Kingma and Ba) as PyTorch's and src/neural/train.ts's: bias-corrected
// moments, no weight decay. One thread per parameter; the new weights and
// moments go to fresh buffers (w', m', v'), which the caller swaps in.

struct Params {
  groups: u32,
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  // 1 − beta1^step and 1 − beta2^step, computed on the host in float64.
  c1: f32,
  c2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w_out: array<f32>;
@group(0) @binding(2) var<storage, read_write> m_out: array<f32>;
@group(0) @binding(3) var<storage, read_write> v_out: array<f32>;
@group(0) @binding(4) var<storage, read> w: array<f32>;
@group(0) @binding(5) var<storage, read> g: array<f32>;
@group(0) @binding(6) var<storage, read> m: array<f32>;
@group(0) @binding(7) var<storage, read> v: array<f32>;

@compute @workgroup_size(64)
fn adam(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.n) { return; }
  let gi = g[i];
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * gi;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * gi * gi;
  m_out[i] = mi;
  v_out[i] = vi;
  w_out[i] = w[i] - (p.lr * (mi / p.c1)) / (sqrt(vi / p.c2) + p.eps);
}
