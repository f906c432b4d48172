// C[batch, M, N] = act(A[batch, M, K] · B[batch or 1, K, N] + bias[N]).
// One workgroup computes a 16x16 tile of C, staging 16x16 tiles of A and B
// in workgroup memory; edges past M, N or K are padded with zeros.

struct Params {
  groups: u32,
  m: u32,
  n: u32,
  k: u32,
  // Elements between consecutive matrices of A and B; 0 for B shares one matrix.
  a_stride: u32,
  b_stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

// 0 none, 1 relu, 2 gelu (tanh approximation), 3 tanh, 4 sigmoid.
override ACT: u32 = 0u;
override HAS_BIAS: bool = false;

const TILE: u32 = 16u;
var<workgroup> a_tile: array<f32, 256>;
var<workgroup> b_tile: array<f32, 256>;

fn activate(v: f32) -> f32 {
  switch ACT {
    case 1u: { return max(v, 0.0); }
    case 2u: { return gelu(v); }
    case 3u: { return tanh_stable(v); }
    case 4u: { return sigmoid(v); }
    default: { return v; }
  }
}

@compute @workgroup_size(256)
fn matmul(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let w = flat_workgroup(wg, nwg);
  if (w >= p.groups) { return; }
  let tiles_n = (p.n + TILE - 1u) / TILE;
  let tiles_m = (p.m + TILE - 1u) / TILE;
  let tile_n = w % tiles_n;
  let tile_m = (w / tiles_n) % tiles_m;
  let mat = w / (tiles_n * tiles_m);
  let ly = li / TILE;
  let lx = li % TILE;
  let row = tile_m * TILE + ly;
  let col = tile_n * TILE + lx;
  let a_base = mat * p.a_stride;
  let b_base = mat * p.b_stride;

  var acc = 0.0;
  for (var k0 = 0u; k0 < p.k; k0 += TILE) {
    var av = 0.0;
    if (row < p.m && k0 + lx < p.k) { av = a[a_base + row * p.k + k0 + lx]; }
    a_tile[li] = av;
    var bv = 0.0;
    if (k0 + ly < p.k && col < p.n) { bv = b[b_base + (k0 + ly) * p.n + col]; }
    b_tile[li] = bv;
    workgroupBarrier();
    for (var t = 0u; t < TILE; t++) {
      acc += a_tile[ly * TILE + t] * b_tile[t * TILE + lx];
    }
    workgroupBarrier();
  }
  if (row < p.m && col < p.n) {
    var v = acc;
    if (HAS_BIAS) { v += bias[col]; }
    c[(mat * p.m + row) * p.n + col] = activate(v);
  }
}
