// Row-wise normalizations over the last axis of X[R, N]: layerNorm
// (population variance, two passes) and softmax (max-subtracted). One
// workgroup of 64 threads per row; threads stride over the row and meet in
// a tree reduction in workgroup memory. layerNormRows: one thread per row,
// no barriers, for short rows (model widths), where a workgroup per row
// would leave most of its threads idle and pay for its barriers.

struct Params {
  groups: u32,
  n: u32,
  eps: f32,
  rows: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;

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

fn reduce_max(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) { red[li] = max(red[li], red[li + s]); }
    workgroupBarrier();
  }
  let top = red[0];
  workgroupBarrier();
  return top;
}

@compute @workgroup_size(64)
fn layerNorm(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg);
  if (row >= p.groups) { return; }
  let base = row * p.n;
  var s = 0.0;
  for (var j = li; j < p.n; j += WG) { s += x[base + j]; }
  let mean = reduce_sum(li, s) / f32(p.n);
  var q = 0.0;
  for (var j = li; j < p.n; j += WG) {
    let d = x[base + j] - mean;
    q += d * d;
  }
  let inv = 1.0 / sqrt(reduce_sum(li, q) / f32(p.n) + p.eps);
  for (var j = li; j < p.n; j += WG) {
    y[base + j] = (x[base + j] - mean) * inv * gamma[j] + beta[j];
  }
}

@compute @workgroup_size(64)
fn softmax(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg);
  if (row >= p.groups) { return; }
  let base = row * p.n;
  var m = x[base];
  for (var j = li; j < p.n; j += WG) { m = max(m, x[base + j]); }
  let top = reduce_max(li, m);
  var s = 0.0;
  for (var j = li; j < p.n; j += WG) { s += exp(x[base + j] - top); }
  let inv = 1.0 / reduce_sum(li, s);
  for (var j = li; j < p.n; j += WG) {
    y[base + j] = exp(x[base + j] - top) * inv;
  }
}

@compute @workgroup_size(64)
fn layerNormRows(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg) * 64u + li;
  if (row >= p.rows) { return; }
  let base = row * p.n;
  var s = 0.0;
  for (var j = 0u; j < p.n; j++) { s += x[base + j]; }
  let mean = s / f32(p.n);
  var q = 0.0;
  for (var j = 0u; j < p.n; j++) {
    let d = x[base + j] - mean;
    q += d * d;
  }
  let inv = 1.0 / sqrt(q / f32(p.n) + p.eps);
  for (var j = 0u; j < p.n; j++) {
    y[base + j] = (x[base + j] - mean) * inv * gamma[j] + beta[j];
  }
}
