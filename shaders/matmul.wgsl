// C[batch, M, N] = act(A[batch, M, K] · B[batch or 1, K, N] + bias[N]).
// TRANS_A reads A stored as [batch, K, M] (Aᵀ), TRANS_B reads B stored as
// [batch or 1, N, K] (Bᵀ): the backward's dX = dZ·Wᵀ and dW = Xᵀ·dZ without
// materializing a transpose.
// One workgroup of 8x8 threads computes a 32x32 tile of C, each thread a 4x4
// block held in registers; 32x32 tiles of A and B are staged in workgroup
// memory, edges past M, N or K padded with zeros. The accumulators are four
// named vec4s rather than an indexed array, which drivers (SwiftShader among
// them) would otherwise keep in memory.

struct Params {
  groups: u32,
  m: u32,
  n: u32,
  k: u32,
  a_stride: u32,
  b_stride: u32,
  batch: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

override HAS_BIAS: bool = false;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

const TILE: u32 = 32u;
// Each thread's block is PER x PER; THREADS_X threads span a tile's width.
const PER: u32 = 4u;
const THREADS_X: u32 = 8u;
var<workgroup> a_tile: array<f32, 1024>;
var<workgroup> b_tile: array<f32, 1024>;

/** Writes 4 consecutive outputs of one row of C, with bias and activation, skipping those past the edges. */
fn store(mat: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= p.m) { return; }
  for (var j = 0u; j < PER; j++) {
    if (col + j < p.n) {
      var x = v[j];
      if (HAS_BIAS) { x += bias[col + j]; }
      c[(mat * p.m + row) * p.n + col + j] = activate(x);
    }
  }
}

@compute @workgroup_size(64)
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
  let ty = li / THREADS_X;
  let tx = li % THREADS_X;
  let row0 = tile_m * TILE;
  let col0 = tile_n * TILE;
  let a_base = mat * p.a_stride;
  let b_base = mat * p.b_stride;

  // Row i of this thread's 4x4 block of C is acc_i (unrolled: no indexed private array).
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < p.k; k0 += TILE) {
    // 64 threads stage a 32x32 tile of A and of B: 16 elements each.
    for (var e = li; e < TILE * TILE; e += 64u) {
      let r = e / TILE;
      let cc = e % TILE;
      var av = 0.0;
      if (row0 + r < p.m && k0 + cc < p.k) {
        av = a[a_base + select((row0 + r) * p.k + k0 + cc, (k0 + cc) * p.m + row0 + r, TRANS_A)];
      }
      a_tile[e] = av;
      var bv = 0.0;
      if (k0 + r < p.k && col0 + cc < p.n) {
        bv = b[b_base + select((k0 + r) * p.n + col0 + cc, (col0 + cc) * p.k + k0 + r, TRANS_B)];
      }
      b_tile[e] = bv;
    }
    workgroupBarrier();
    let a_row = ty * PER * TILE;
    for (var t = 0u; t < TILE; t++) {
      let bi = t * TILE + tx * PER;
      let bv = vec4<f32>(b_tile[bi], b_tile[bi + 1u], b_tile[bi + 2u], b_tile[bi + 3u]);
      acc0 += a_tile[a_row + t] * bv;
      acc1 += a_tile[a_row + TILE + t] * bv;
      acc2 += a_tile[a_row + 2u * TILE + t] * bv;
      acc3 += a_tile[a_row + 3u * TILE + t] * bv;
    }
    workgroupBarrier();
  }
  store(mat, row0 + ty * PER, col0 + tx * PER, acc0);
  store(mat, row0 + ty * PER + 1u, col0 + tx * PER, acc1);
  store(mat, row0 + ty * PER + 2u, col0 + tx * PER, acc2);
  store(mat, row0 + ty * PER + 3u, col0 + tx * PER, acc3);
}

// One thread per 4 consecutive outputs of a row of C, reading A and B straight
// from storage: no workgroup memory and no barriers. For small K, where a
// tile of A and B would be staged for one or two steps only.
@compute @workgroup_size(64)
fn matmulDirect(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  let quads = (p.n + PER - 1u) / PER;
  let per_mat = p.m * quads;
  let mat = i / per_mat;
  if (i >= p.groups * 64u || mat >= p.batch) { return; }
  let row = (i % per_mat) / quads;
  let col = (i % quads) * PER;
  let a_base = mat * p.a_stride;
  let b_base = mat * p.b_stride;
  var acc = vec4<f32>(0.0);
  for (var t = 0u; t < p.k; t++) {
    let av = a[a_base + select(row * p.k + t, t * p.m + row, TRANS_A)];
    var bv = vec4<f32>(0.0);
    for (var j = 0u; j < PER; j++) {
      if (col + j < p.n) { bv[j] = b[b_base + select(t * p.n + col + j, (col + j) * p.k + t, TRANS_B)]; }
    }
    acc += av * bv;
  }
  store(mat, row, col, acc);
}
