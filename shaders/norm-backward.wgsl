// The backward of layerNorm over the last axis of X[R, N] (norm.wgsl), one
// workgroup of 64 threads per row, the row's mean and 1/σ recomputed as the
// forward computes them. Writes dX and dY ⊙ x̂ (whose column sums are dγ;
// dβ is the column sums of dY):
//   dx = (1/σ)·(dy⊙γ − mean(dy⊙γ) − x̂·mean(dy⊙γ⊙x̂)).
// layerNormBackwardRows: the same with one thread per row, for short rows.

struct Params {
  groups: u32,
  n: u32,
  eps: f32,
  rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<storage, read_write> dy_xhat: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;

const WG: u32 = 64u;
var<workgroup> red: array<f32, 64>;

fn reduce_sum(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(64)
fn layerNormBackward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg);
  if (row >= p.groups) { return; }
  let base = row * p.n;
  let n = f32(p.n);
  var s = 0.0;
  for (var j = li; j < p.n; j += WG) { s += x[base + j]; }
  let mean = reduce_sum(li, s) / n;
  var q = 0.0;
  for (var j = li; j < p.n; j += WG) {
    let d = x[base + j] - mean;
    q += d * d;
  }
  let inv = 1.0 / sqrt(reduce_sum(li, q) / n + p.eps);
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = li; j < p.n; j += WG) {
    let xhat = (x[base + j] - mean) * inv;
    let g = dy[base + j] * gamma[j];
    sg += g;
    sgx += g * xhat;
    dy_xhat[base + j] = dy[base + j] * xhat;
  }
  let mean_g = reduce_sum(li, sg) / n;
  let mean_gx = reduce_sum(li, sgx) / n;
  for (var j = li; j < p.n; j += WG) {
    let xhat = (x[base + j] - mean) * inv;
    dx[base + j] = inv * (dy[base + j] * gamma[j] - mean_g - xhat * mean_gx);
  }
}

@compute @workgroup_size(64)
fn layerNormBackwardRows(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg) * 64u + li;
  if (row >= p.rows) { return; }
  let base = row * p.n;
  let n = f32(p.n);
  var s = 0.0;
  for (var j = 0u; j < p.n; j++) { s += x[base + j]; }
  let mean = s / n;
  var q = 0.0;
  for (var j = 0u; j < p.n; j++) {
    let d = x[base + j] - mean;
    q += d * d;
  }
  let inv = 1.0 / sqrt(q / n + p.eps);
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = 0u; j < p.n; j++) {
    let xhat = (x[base + j] - mean) * inv;
    let g = dy[base + j] * gamma[j];
    sg += g;
    sgx += g * xhat;
    dy_xhat[base + j] = dy[base + j] * xhat;
  }
  let mean_g = sg / n;
  let mean_gx = sgx / n;
  for (var j = 0u; j < p.n; j++) {
    let xhat = (x[base + j] - mean) * inv;
    dx[base + j] = inv * (dy[base + j] * gamma[j] - mean_g - xhat * mean_gx);
  }
}
