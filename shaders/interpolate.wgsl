// interpolateLinear: X[B, M] -> Y[B, H], as PyTorch's
// F.interpolate(mode="linear", align_corners=False). One thread per output.
// Source positions are computed in float32 exactly as PyTorch's float kernel
// does (scale = M/H rounded to f32 by the host, then scale·(j + 0.5) − 0.5),
// so both agree on them to the bit. interpolateLinearBackward: dX[B, M] from
// dY[B, H], one thread per source point summing the outputs that read it.

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
  let s = source(i % p.h);
  y[i] = (1.0 - s.w) * x[row * p.m + s.i0] + s.w * x[row * p.m + s.i1];
}

struct Source {
  i0: u32,
  i1: u32,
  // The weight of i1.
  w: f32,
}

/** Where output j reads from. */
fn source(j: u32) -> Source {
  let src = max(p.scale * (f32(j) + 0.5) - 0.5, 0.0);
  let i0 = min(u32(floor(src)), p.m - 1u);
  return Source(i0, min(i0 + 1u, p.m - 1u), src - f32(i0));
}

// x is dY [B, H] here, y is dX [B, M].
@compute @workgroup_size(64)
fn interpolateLinearBackward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.m) { return; }
  let row = i / p.m;
  let k = i % p.m;
  var g = 0.0;
  for (var j = 0u; j < p.h; j++) {
    let s = source(j);
    if (s.i0 == k) { g += (1.0 - s.w) * x[row * p.h + j]; }
    if (s.i1 == k) { g += s.w * x[row * p.h + j]; }
  }
  y[i] = g;
}
