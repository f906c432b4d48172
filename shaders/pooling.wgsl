// maxPool1d: Y[B, ceil(L/k)], stride = kernel = k; the last window may be
// shorter and takes the max of what it has (ceil mode). One thread per output.

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
