// The backward of one LSTM step (gates [i | f | g | o], as lstm.wgsl), one
// thread per (batch row, hidden unit). The gates are recomputed from the
// step's saved inputs (xw = x·Wx, the previous h and c) rather than stored:
// z = xw + h·Wh + b, c' = σ(f)c + σ(i)tanh(g), h' = σ(o)tanh(c'). Given dh'
// (all that reaches h') and dc' (from the next step), it writes the gate
// gradients dz [B, 4H] and dc [B, H] for the previous c; dh for the previous
// h is dz·Whᵀ, one matmul.

struct Params {
  groups: u32,
  rows: u32,
  hidden: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dz: array<f32>;
@group(0) @binding(2) var<storage, read_write> dc_prev: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read> c: array<f32>;
@group(0) @binding(5) var<storage, read> wh: array<f32>;
@group(0) @binding(6) var<storage, read> bias: array<f32>;
@group(0) @binding(7) var<storage, read> xw: array<f32>;
@group(0) @binding(8) var<storage, read> dh_next: array<f32>;
@group(0) @binding(9) var<storage, read> dc_next: array<f32>;

@compute @workgroup_size(64)
fn lstmCellBackward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.hidden) { return; }
  let hs = p.hidden;
  let row = i / hs;
  let j = i % hs;
  let base = row * 4u * hs + j;
  // The same sums in the same order as lstm.wgsl's forward, so the gates agree to the bit.
  var z = vec4<f32>(xw[base], xw[base + hs], xw[base + 2u * hs], xw[base + 3u * hs]);
  z += vec4<f32>(bias[j], bias[hs + j], bias[2u * hs + j], bias[3u * hs + j]);
  for (var k = 0u; k < hs; k++) {
    let hv = h[row * hs + k];
    let w = k * 4u * hs + j;
    z += hv * vec4<f32>(wh[w], wh[w + hs], wh[w + 2u * hs], wh[w + 3u * hs]);
  }
  let ig = sigmoid(z.x);
  let fg = sigmoid(z.y);
  let gg = tanh_stable(z.z);
  let og = sigmoid(z.w);
  let c_next = fg * c[i] + ig * gg;
  let tc = tanh_stable(c_next);
  let dh = dh_next[i];
  let dc = dc_next[i] + dh * og * (1.0 - tc * tc);
  dz[base] = dc * gg * ig * (1.0 - ig);
  dz[base + hs] = dc * c[i] * fg * (1.0 - fg);
  dz[base + 2u * hs] = dc * ig * (1.0 - gg * gg);
  dz[base + 3u * hs] = dh * tc * og * (1.0 - og);
  dc_prev[i] = dc * fg;
}
