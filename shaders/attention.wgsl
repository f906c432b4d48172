// Scaled dot-product multi-head attention: Q, K, V, O all [B, T, D]; head k
// owns columns [k·d, (k+1)·d) with d = D/heads; S = Q_h·K_hᵀ/√d, softmax over
// keys (keys after the query masked when CAUSAL), O_h = S·V_h.
//
// One workgroup per (batch, head, query). Keys are visited in chunks of 64
// with an online softmax (running max and sum, earlier partial sums rescaled
// when the max grows), so T is bounded by nothing but memory. Each thread
// owns up to 4 output columns: d is at most 256 (checked on the host).

struct Params {
  groups: u32,
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

const WG: u32 = 64u;
// Stands in for -inf (WGSL has no infinite literal); exp(NEG - m) is 0.
const NEG: f32 = -1e30;
var<workgroup> q_row: array<f32, 256>;
var<workgroup> chunk: array<f32, 64>;

@compute @workgroup_size(64)
fn attention(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let w = flat_workgroup(wg, nwg);
  if (w >= p.groups) { return; }
  let tq = w % p.t;
  let head = (w / p.t) % p.heads;
  let batch = w / (p.t * p.heads);
  let d = p.head_dim;
  let col0 = head * d;
  let seq = batch * p.t;
  let scale = 1.0 / sqrt(f32(d));

  for (var c = li; c < d; c += WG) { q_row[c] = q[(seq + tq) * p.d_model + col0 + c]; }
  workgroupBarrier();

  let keys = select(p.t, tq + 1u, CAUSAL);
  var m = NEG;
  var l = 0.0;
  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var k0 = 0u; k0 < keys; k0 += WG) {
    let j = k0 + li;
    var s = NEG;
    if (j < keys) {
      var qk = 0.0;
      let kb = (seq + j) * p.d_model + col0;
      for (var c = 0u; c < d; c++) { qk += q_row[c] * k[kb + c]; }
      s = qk * scale;
    }
    chunk[li] = s;
    workgroupBarrier();
    var chunk_max = NEG;
    for (var i = 0u; i < WG; i++) { chunk_max = max(chunk_max, chunk[i]); }
    let m_next = max(m, chunk_max);
    let rescale = exp(m - m_next);
    workgroupBarrier();
    chunk[li] = exp(s - m_next);
    workgroupBarrier();
    let n = min(WG, keys - k0);
    var chunk_sum = 0.0;
    for (var i = 0u; i < n; i++) { chunk_sum += chunk[i]; }
    l = l * rescale + chunk_sum;
    for (var r = 0u; r < 4u; r++) {
      let c = li + r * WG;
      if (c < d) {
        var sv = 0.0;
        for (var i = 0u; i < n; i++) { sv += chunk[i] * v[(seq + k0 + i) * p.d_model + col0 + c]; }
        acc[r] = acc[r] * rescale + sv;
      }
    }
    m = m_next;
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let c = li + r * WG;
    if (c < d) { o[(seq + tq) * p.d_model + col0 + c] = acc[r] / l; }
  }
}
