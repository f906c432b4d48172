// The backward of attention.wgsl (Q, K, V, dO all [B, T, D], head k owning
// columns [k·d, (k+1)·d)), recomputing the softmax weights P rather than
// storing the [B, heads, T, T] matrix, in two kernels:
//   attentionBackwardQuery, one thread per (batch, head, query i): the row's
//     max m_i and sum l_i, D_i = Σ_j P_ij (dO_i·V_j), and
//     dQ_i = s·Σ_j P_ij (dO_i·V_j − D_i) K_j with s = 1/√d;
//     writes dQ and stats [B·heads·T, 4] = (m_i, l_i, D_i, 0);
//   attentionBackwardKey, one thread per (batch, head, key j), from the stats:
//     dV_j = Σ_i P_ij dO_i and dK_j = s·Σ_i P_ij (dO_i·V_j − D_i) Q_i.
// Scores are computed as in the forward (the query row scaled first).

struct Params {
  groups: u32,
  rows: u32,
  t: u32,
  d_model: u32,
  heads: u32,
  head_dim: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
// dQ and stats (query kernel), or dK and dV (key kernel).
@group(0) @binding(1) var<storage, read_write> out_a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out_b: array<f32>;
@group(0) @binding(3) var<storage, read> q: array<f32>;
@group(0) @binding(4) var<storage, read> k: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read> dout: array<f32>;
@group(0) @binding(7) var<storage, read> stats: array<f32>;

override CAUSAL: bool = false;
const MAX_HEAD_DIM: u32 = 64u;
const NEG: f32 = -1e30;

/** (sequence start row, head column, position in the sequence) of thread i. */
fn locate(i: u32) -> vec3<u32> {
  let t = p.t;
  return vec3<u32>((i / (t * p.heads)) * t, ((i / t) % p.heads) * p.head_dim, i % t);
}

/** Query row tq of the head, scaled by 1/√d as in the forward, dotted with key row j. */
fn score(seq: u32, col0: u32, tq: u32, j: u32) -> f32 {
  let scale = 1.0 / sqrt(f32(p.head_dim));
  let qb = (seq + tq) * p.d_model + col0;
  let kb = (seq + j) * p.d_model + col0;
  var s = 0.0;
  for (var c = 0u; c < p.head_dim; c++) { s += (q[qb + c] * scale) * k[kb + c]; }
  return s;
}

/** dO_i · V_j over the head's columns. */
fn dout_dot_v(seq: u32, col0: u32, i: u32, j: u32) -> f32 {
  let ob = (seq + i) * p.d_model + col0;
  let vb = (seq + j) * p.d_model + col0;
  var s = 0.0;
  for (var c = 0u; c < p.head_dim; c++) { s += dout[ob + c] * v[vb + c]; }
  return s;
}

@compute @workgroup_size(64)
fn attentionBackwardQuery(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows) { return; }
  let at = locate(i);
  let seq = at.x;
  let col0 = at.y;
  let tq = at.z;
  let keys = select(p.t, tq + 1u, CAUSAL);
  var m = NEG;
  for (var j = 0u; j < keys; j++) { m = max(m, score(seq, col0, tq, j)); }
  var l = 0.0;
  var dsum = 0.0;
  for (var j = 0u; j < keys; j++) {
    let w = exp(score(seq, col0, tq, j) - m);
    l += w;
    dsum += w * dout_dot_v(seq, col0, tq, j);
  }
  dsum /= l;
  var acc: array<f32, MAX_HEAD_DIM>;
  for (var j = 0u; j < keys; j++) {
    let pij = exp(score(seq, col0, tq, j) - m) / l;
    let ds = pij * (dout_dot_v(seq, col0, tq, j) - dsum);
    let kb = (seq + j) * p.d_model + col0;
    for (var c = 0u; c < p.head_dim; c++) { acc[c] += ds * k[kb + c]; }
  }
  let scale = 1.0 / sqrt(f32(p.head_dim));
  let qb = (seq + tq) * p.d_model + col0;
  for (var c = 0u; c < p.head_dim; c++) { out_a[qb + c] = acc[c] * scale; }
  out_b[4u * i] = m;
  out_b[4u * i + 1u] = l;
  out_b[4u * i + 2u] = dsum;
  out_b[4u * i + 3u] = 0.0;
}

@compute @workgroup_size(64)
fn attentionBackwardKey(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows) { return; }
  let at = locate(i);
  let seq = at.x;
  let col0 = at.y;
  let tk = at.z;
  // The stats row of query tq in this (batch, head): thread index i − tk + tq.
  let first = i - tk;
  var dk: array<f32, MAX_HEAD_DIM>;
  var dv: array<f32, MAX_HEAD_DIM>;
  for (var tq = select(0u, tk, CAUSAL); tq < p.t; tq++) {
    let st = 4u * (first + tq);
    let pij = exp(score(seq, col0, tq, tk) - stats[st]) / stats[st + 1u];
    let ds = pij * (dout_dot_v(seq, col0, tq, tk) - stats[st + 2u]);
    let qb = (seq + tq) * p.d_model + col0;
    for (var c = 0u; c < p.head_dim; c++) {
      dv[c] += pij * dout[qb + c];
      dk[c] += ds * q[qb + c];
    }
  }
  let scale = 1.0 / sqrt(f32(p.head_dim));
  let kb = (seq + tk) * p.d_model + col0;
  for (var c = 0u; c < p.head_dim; c++) {
    out_a[kb + c] = dk[c] * scale;
    out_b[kb + c] = dv[c];
  }
}
