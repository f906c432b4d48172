// interpolateLinear: X[B, M] -> Y[B, H], as PyTorch's
// F.interpolate(mode="linear", align_corners=False). One thread per output.
// Source positions are computed in float32 exactly as PyTorch's float kernel
// does (scale = M/H rounded to f32 by the host, then scale·(j + 0.5) − 0.5),
// so both agree on them to the bit.

struct Params {
  groups: u32,
  rows: u32,
  m: u32,
  h: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

@compute @workgroup_size(64)
fn interpolateLinear(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.h) { return; }
  let row = i / p.h;
  let j = i % p.h;
  let src = max(p.scale * (f32(j) + 0.5) - 0.5, 0.0);
  let i0 = min(u32(floor(src)), p.m - 1u);
  let i1 = min(i0 + 1u, p.m - 1u);
  let w = src - f32(i0);
  y[i] = (1.0 - w) * x[row * p.m + i0] + w * x[row * p.m + i1];
}
