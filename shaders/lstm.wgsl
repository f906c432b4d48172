// One LSTM cell step with the four gates fused, PyTorch gate order [i | f | g | o]
// along the 4H axis: z = x·Wx + h·Wh + b; c' = σ(f)⊙c + σ(i)⊙tanh(g);
// h' = σ(o)⊙tanh(c'). One thread per (batch row, hidden unit) computes its
// four gate sums, so no gate pre-activation ever goes back to memory.
// lstmCell computes x·Wx itself; lstmCellPre takes it precomputed as
// xw[B, 4H] (a sequence's input products done at once by one matmul).

struct Params {
  groups: u32,
  rows: u32,
  input: u32,
  hidden: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> h_out: array<f32>;
@group(0) @binding(2) var<storage, read_write> c_out: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read> c: array<f32>;
@group(0) @binding(5) var<storage, read> wh: array<f32>;
@group(0) @binding(6) var<storage, read> bias: array<f32>;
// x[B, I] for lstmCell, xw[B, 4H] for lstmCellPre.
@group(0) @binding(7) var<storage, read> xin: array<f32>;
@group(0) @binding(8) var<storage, read> wx: array<f32>;

/** Adds h·Wh + b to the input part of the gate sums and writes h' and c'. */
fn finish(i: u32, z_in: vec4<f32>) {
  let hs = p.hidden;
  let row = i / hs;
  let j = i % hs;
  var z = z_in + vec4<f32>(bias[j], bias[hs + j], bias[2u * hs + j], bias[3u * hs + j]);
  for (var k = 0u; k < hs; k++) {
    let hv = h[row * hs + k];
    let w = k * 4u * hs + j;
    z += hv * vec4<f32>(wh[w], wh[w + hs], wh[w + 2u * hs], wh[w + 3u * hs]);
  }
  let c_next = sigmoid(z.y) * c[i] + sigmoid(z.x) * tanh_stable(z.z);
  c_out[i] = c_next;
  h_out[i] = sigmoid(z.w) * tanh_stable(c_next);
}

@compute @workgroup_size(64)
fn lstmCell(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.hidden) { return; }
  let hs = p.hidden;
  let row = i / hs;
  let j = i % hs;
  var z = vec4<f32>(0.0);
  for (var k = 0u; k < p.input; k++) {
    let xv = xin[row * p.input + k];
    let w = k * 4u * hs + j;
    z += xv * vec4<f32>(wx[w], wx[w + hs], wx[w + 2u * hs], wx[w + 3u * hs]);
  }
  finish(i, z);
}

@compute @workgroup_size(64)
fn lstmCellPre(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let i = flat_workgroup(wg, nwg) * 64u + li;
  if (i >= p.rows * p.hidden) { return; }
  let hs = p.hidden;
  let base = (i / hs) * 4u * hs + i % hs;
  finish(i, vec4<f32>(xin[base], xin[base + hs], xin[base + 2u * hs], xin[base + 3u * hs]));
}
