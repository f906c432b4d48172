// maxPool1d: Y[B, ceil(L/k)], stride = kernel = k; the last window may be
// shorter and takes the max of what it has (ceil mode). One thread per output.
// maxPool1dBackward: dX[B, L] from dY; each window's gradient goes to its
// first maximum (as src/neural/ops.ts), one thread per input element.

struct Params {
  groups: u32,
  rows: u32,
  len: u32,
  kernel: u32,
  out_len: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;

@compute @workgroup_size(64)
fn maxPool1d(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.out_len) { return; }
  let row = i / p.out_len;
  let start = (i % p.out_len) * p.kernel;
  let end = min(start + p.kernel, p.len);
  var m = x[row * p.len + start];
  for (var t = start + 1u; t < end; t++) {
    m = max(m, x[row * p.len + t]);
  }
  y[i] = m;
}

@compute @workgroup_size(64)
fn maxPool1dBackward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.len) { return; }
  let row = i / p.len;
  let window = (i % p.len) / p.kernel;
  let start = row * p.len + window * p.kernel;
  let end = row * p.len + min((window + 1u) * p.kernel, p.len);
  var arg = start;
  for (var t = start + 1u; t < end; t++) {
    if (x[t] > x[arg]) { arg = t; }
  }
  y[i] = select(0.0, dy[row * p.out_len + window], arg == i);
}
