// Scaled dot-product multi-head attention: Q, K, V, O all [B, T, D]; head k
// owns columns [k·d, (k+1)·d) with d = D/heads; S = Q_h·K_hᵀ/√d, softmax over
// keys (keys after the query masked when CAUSAL), O_h = S·V_h.
//
// One thread per (batch, head, query) walks the keys once with an online
// softmax: a running max m and sum l, the partial output rescaled by
// exp(m_old − m_new) whenever the max grows. No score matrix is stored, so T
// is bounded by nothing but memory; the query row and the output row live in
// registers, which bounds d at 64 (checked on the host).

struct Params {
  groups: u32,
  // B · heads · T: one thread each.
  queries: u32,
  t: u32,
  d_model: u32,
  heads: u32,
  head_dim: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> k: array<f32>;
@group(0) @binding(4) var<storage, read> v: array<f32>;

override CAUSAL: bool = false;

const MAX_HEAD_DIM: u32 = 64u;
// Below any score, so the first key's rescale factor exp(NEG - s) is 0
// (WGSL has no -inf literal).
const NEG: f32 = -1e30;

@compute @workgroup_size(64)
fn attention(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.queries) { return; }
  let t = p.t;
  let tq = i % t;
  let head = (i / t) % p.heads;
  let seq = (i / (t * p.heads)) * t;
  let d = p.head_dim;
  let col0 = head * d;
  let scale = 1.0 / sqrt(f32(d));

  var q_row: array<f32, MAX_HEAD_DIM>;
  var acc: array<f32, MAX_HEAD_DIM>;
  let qb = (seq + tq) * p.d_model + col0;
  for (var c = 0u; c < d; c++) { q_row[c] = q[qb + c] * scale; }

  let keys = select(t, tq + 1u, CAUSAL);
  var m = NEG;
  var l = 0.0;
  for (var j = 0u; j < keys; j++) {
    let kb = (seq + j) * p.d_model + col0;
    var s = 0.0;
    for (var c = 0u; c < d; c++) { s += q_row[c] * k[kb + c]; }
    let m_next = max(m, s);
    let rescale = exp(m - m_next);
    let w = exp(s - m_next);
    l = l * rescale + w;
    for (var c = 0u; c < d; c++) { acc[c] = acc[c] * rescale + w * v[kb + c]; }
    m = m_next;
  }
  for (var c = 0u; c < d; c++) { o[qb + c] = acc[c] / l; }
}
