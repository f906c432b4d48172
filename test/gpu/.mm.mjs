// test/gpu/dawn.ts
import { create } from "webgpu";
var GPU_ENV = {
  VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? "/usr/lib/chromium/vk_swiftshader_icd.json",
  XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? "/tmp"
};
Object.assign(process.env, GPU_ENV);
var dawn = create([]);

// src/core/errors.ts
var EngineError = class extends Error {
  field;
  row;
  source;
  constructor(message, where = {}) {
    super(describe(message, where));
    this.name = new.target.name;
    this.field = where.field;
    this.row = where.row;
    this.source = where.source;
  }
};
function describe(message, { source, row }) {
  const at = [source, row === void 0 ? void 0 : `row ${row}`].filter(Boolean).join(", ");
  return at ? `${at}: ${message}` : message;
}
var ConfigError = class extends EngineError {
  code = "config";
};

// src/gpu/errors.ts
var GpuUnavailableError = class extends EngineError {
  code = "gpu_unavailable";
};
var GpuLimitError = class extends EngineError {
  constructor(limit, requested, allowed, what) {
    super(`${what} needs ${limit} = ${requested}, but the device allows ${allowed}`, { field: limit });
    this.limit = limit;
    this.requested = requested;
    this.allowed = allowed;
  }
  limit;
  requested;
  allowed;
  code = "gpu_limit";
};
var GpuDeviceLostError = class extends EngineError {
  code = "gpu_device_lost";
};
var GpuError = class extends EngineError {
  code = "gpu";
};

// src/gpu/device.ts
var RAISED_LIMITS = ["maxStorageBufferBindingSize", "maxBufferSize", "maxStorageBuffersPerShaderStage"];
async function acquireDevice(gpu, options = {}) {
  const label = options.label ?? "the injected GPU object";
  const requests = [
    ...options.powerPreference ? [{ powerPreference: options.powerPreference }] : [],
    {},
    { forceFallbackAdapter: true }
  ];
  const tried = [];
  for (const request of requests) {
    const call = `requestAdapter(${JSON.stringify(request).replace("{}", "")})`;
    let adapter;
    try {
      adapter = await gpu.requestAdapter(request);
    } catch (e) {
      tried.push(`${call} threw "${firstLine(e)}"`);
      continue;
    }
    if (!adapter) {
      tried.push(`${call} gave null`);
      continue;
    }
    const requiredLimits = {};
    for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
    try {
      const device = await adapter.requestDevice({ label: "nt", requiredLimits });
      return { adapter, device, description: describe2(adapter) };
    } catch (e) {
      tried.push(`${call} gave ${describe2(adapter)}, whose requestDevice threw "${firstLine(e)}"`);
    }
  }
  throw new GpuUnavailableError(
    `no WebGPU device from ${label}: ${tried.join("; ")}. Without a GPU, a software Vulkan driver serves (SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json; Chromium: --enable-unsafe-swiftshader), or use the CPU path`
  );
}
function describe2(adapter) {
  const info = adapter.info;
  const text = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") : "";
  return text || "an unnamed adapter";
}
function firstLine(e) {
  return String(e instanceof Error ? e.message : e).split("\n")[0];
}

// src/gpu/buffer-pool.ts
var BufferPool = class {
  constructor(device, usage, label, maxBytes) {
    this.device = device;
    this.usage = usage;
    this.label = label;
    this.maxBytes = maxBytes;
  }
  device;
  usage;
  label;
  maxBytes;
  free = /* @__PURE__ */ new Map();
  pending = [];
  all = /* @__PURE__ */ new Set();
  /** Buffers created and acquisitions served from the pool. */
  stats = { created: 0, reused: 0 };
  /** The size a buffer holding `bytes` is created with. */
  sizeClass(bytes) {
    const pow2 = 2 ** Math.ceil(Math.log2(Math.max(bytes, 256)));
    return pow2 <= this.maxBytes ? pow2 : Math.ceil(bytes / 4) * 4;
  }
  acquire(bytes) {
    const size = this.sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused) {
      this.stats.reused++;
      return reused;
    }
    const buffer = this.device.createBuffer({ label: `${this.label} ${size} B`, size, usage: this.usage });
    this.all.add(buffer);
    this.stats.created++;
    return buffer;
  }
  release(buffer) {
    this.pending.push(buffer);
  }
  /** Call after queue.submit: buffers released before it are free to reuse. */
  submitted() {
    for (const buffer of this.pending) {
      const list = this.free.get(buffer.size);
      if (list) list.push(buffer);
      else this.free.set(buffer.size, [buffer]);
    }
    this.pending = [];
  }
  /** Bytes held in free lists, ready for reuse. */
  get freeBytes() {
    let total = 0;
    for (const [size, list] of this.free) total += size * list.length;
    return total;
  }
  destroy() {
    for (const buffer of this.all) buffer.destroy();
    this.all.clear();
    this.free.clear();
    this.pending = [];
  }
};

// src/gpu/shader-sources.ts
var WGSL = {
  "attention": `// Scaled dot-product multi-head attention: Q, K, V, O all [B, T, D]; head k
// owns columns [k\xB7d, (k+1)\xB7d) with d = D/heads; S = Q_h\xB7K_h\u1D40/\u221Ad, softmax over
// keys (keys after the query masked when CAUSAL), O_h = S\xB7V_h.
//
// One thread per (batch, head, query) walks the keys once with an online
// softmax: a running max m and sum l, the partial output rescaled by
// exp(m_old \u2212 m_new) whenever the max grows. No score matrix is stored, so T
// is bounded by nothing but memory; the query row and the output row live in
// registers, which bounds d at 64 (checked on the host).

struct Params {
  groups: u32,
  // B \xB7 heads \xB7 T: one thread each.
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
`,
  "common": `// Prepended to every family file by src/gpu/programs.ts.
//
// Every kernel is dispatched as a flat count of workgroups that the executor
// folds into (x, y, z) when it exceeds the device's per-dimension limit
// (65,535 on most devices); \`flat_workgroup\` undoes the folding, and each
// kernel returns early past \`Params.groups\`, the count it asked for.
fn flat_workgroup(wg: vec3<u32>, n: vec3<u32>) -> u32 {
  return wg.x + n.x * (wg.y + n.y * wg.z);
}

// Written so exp only sees non-positive arguments: no overflow for any x.
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

// The builtin tanh may go through exp(2x) and give NaN for large |x|;
// tanh(15) already rounds to 1 in f32.
fn tanh_stable(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}

// The tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
fn gelu(x: f32) -> f32 {
  return 0.5 * x * (1.0 + tanh_stable(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}
`,
  "interpolate": `// interpolateLinear: X[B, M] -> Y[B, H], as PyTorch's
// F.interpolate(mode="linear", align_corners=False). One thread per output.
// Source positions are computed in float32 exactly as PyTorch's float kernel
// does (scale = M/H rounded to f32 by the host, then scale\xB7(j + 0.5) \u2212 0.5),
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
`,
  "lstm": `// One LSTM cell step with the four gates fused, PyTorch gate order [i | f | g | o]
// along the 4H axis: z = x\xB7Wx + h\xB7Wh + b; c' = \u03C3(f)\u2299c + \u03C3(i)\u2299tanh(g);
// h' = \u03C3(o)\u2299tanh(c'). One thread per (batch row, hidden unit) computes its
// four gate sums, so no gate pre-activation ever goes back to memory.
// lstmCell computes x\xB7Wx itself; lstmCellPre takes it precomputed as
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

/** Adds h\xB7Wh + b to the input part of the gate sums and writes h' and c'. */
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
`,
  "matmul": `struct Params {
  groups: u32,
  m: u32,
  n: u32,
  k: u32,
  a_stride: u32,
  b_stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

override ACT: u32 = 0u;
override HAS_BIAS: bool = false;

const TILE: u32 = 32u;
const PER: u32 = 4u;
const THREADS_X: u32 = 8u;
var<workgroup> a_tile: array<f32, 1024>;
var<workgroup> b_tile: array<f32, 1024>;

fn activate(v: f32) -> f32 {
  switch ACT {
    case 1u: { return max(v, 0.0); }
    case 2u: { return gelu(v); }
    case 3u: { return tanh_stable(v); }
    case 4u: { return sigmoid(v); }
    default: { return v; }
  }
}

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
      if (row0 + r < p.m && k0 + cc < p.k) { av = a[a_base + (row0 + r) * p.k + k0 + cc]; }
      a_tile[e] = av;
      var bv = 0.0;
      if (k0 + r < p.k && col0 + cc < p.n) { bv = b[b_base + (k0 + r) * p.n + col0 + cc]; }
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
`,
  "norm": `// Row-wise normalizations over the last axis of X[R, N]: layerNorm
// (population variance, two passes) and softmax (max-subtracted). One
// workgroup of 64 threads per row; threads stride over the row and meet in
// a tree reduction in workgroup memory.

struct Params {
  groups: u32,
  n: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;

const WG: u32 = 64u;
var<workgroup> red: array<f32, 64>;

fn reduce_sum(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

fn reduce_max(li: u32, v: f32) -> f32 {
  red[li] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (li < s) { red[li] = max(red[li], red[li + s]); }
    workgroupBarrier();
  }
  let top = red[0];
  workgroupBarrier();
  return top;
}

@compute @workgroup_size(64)
fn layerNorm(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg);
  if (row >= p.groups) { return; }
  let base = row * p.n;
  var s = 0.0;
  for (var j = li; j < p.n; j += WG) { s += x[base + j]; }
  let mean = reduce_sum(li, s) / f32(p.n);
  var q = 0.0;
  for (var j = li; j < p.n; j += WG) {
    let d = x[base + j] - mean;
    q += d * d;
  }
  let inv = 1.0 / sqrt(reduce_sum(li, q) / f32(p.n) + p.eps);
  for (var j = li; j < p.n; j += WG) {
    y[base + j] = (x[base + j] - mean) * inv * gamma[j] + beta[j];
  }
}

@compute @workgroup_size(64)
fn softmax(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row = flat_workgroup(wg, nwg);
  if (row >= p.groups) { return; }
  let base = row * p.n;
  var m = x[base];
  for (var j = li; j < p.n; j += WG) { m = max(m, x[base + j]); }
  let top = reduce_max(li, m);
  var s = 0.0;
  for (var j = li; j < p.n; j += WG) { s += exp(x[base + j] - top); }
  let inv = 1.0 / reduce_sum(li, s);
  for (var j = li; j < p.n; j += WG) {
    y[base + j] = exp(x[base + j] - top) * inv;
  }
}
`,
  "pooling": `// maxPool1d: Y[B, ceil(L/k)], stride = kernel = k; the last window may be
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
`
};

// src/gpu/programs.ts
var ACTIVATIONS = ["none", "relu", "gelu", "tanh", "sigmoid"];
function programSource(family) {
  return `${WGSL.common}
${WGSL[family]}`;
}
function f32Bits(x) {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}
var ceilDiv = (a, b) => Math.ceil(a / b);
var product = (dims) => dims.reduce((a, b) => a * b, 1);
var THREADS = 64;
var MATMUL_TILE = 32;
var MAX_HEAD_DIM = 64;
function fail(op, input, message) {
  throw new ConfigError(`${op}: ${message}`, { field: `${op}.${input}` });
}
function shapeText(shape) {
  return `[${shape.join(", ")}]`;
}
function shapeOf(op, input, shape, ranks, meaning) {
  if (!shape) fail(op, input, `${input} is missing; expected ${meaning}`);
  if (!ranks.includes(shape.length)) fail(op, input, `${input} must be ${meaning}; got ${shapeText(shape)}`);
  return shape;
}
function expectDims(op, input, shape, expected, meaning) {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    fail(op, input, `${input} must be ${meaning} = ${shapeText(expected)}; got ${shapeText(shape)}`);
  }
}
function positiveInt(op, param, value) {
  if (!Number.isInteger(value) || value < 1) fail(op, param, `${param} must be a positive integer; got ${value}`);
  return value;
}
function rowsOf(shape) {
  return [product(shape.slice(0, -1)), shape[shape.length - 1]];
}
var matmul = {
  name: "matmul",
  family: "matmul",
  entryPoint: "matmul",
  inputs: ["a", "b", "bias"],
  optional: ["bias"],
  plan([aShape, bShape, biasShape], { activation }) {
    const a = shapeOf("matmul", "a", aShape, [2, 3], "[M, K] or [batch, M, K]");
    const b = shapeOf("matmul", "b", bShape, [2, 3], "[K, N] or [batch, K, N]");
    const act = ACTIVATIONS.indexOf(activation);
    if (act < 0) fail("matmul", "activation", `activation must be one of ${ACTIVATIONS.join(", ")}; got "${activation}"`);
    const batch = a.length === 3 ? a[0] : 1;
    const [m, k] = a.slice(-2);
    const n = b[b.length - 1];
    if (b.length === 3 && a.length === 2) fail("matmul", "b", `b may be [batch, K, N] only when a is [batch, M, K]; got a ${shapeText(a)}`);
    if (b.length === 3) expectDims("matmul", "b", b, [batch, k, n], "[batch, K, N] with a's batch and K");
    else expectDims("matmul", "b", b, [k, n], "[K, N] with a's K");
    if (biasShape) expectDims("matmul", "bias", biasShape, [n], "[N]");
    return {
      outputs: [a.length === 3 ? [batch, m, n] : [m, n]],
      constants: { ACT: act, HAS_BIAS: biasShape ? 1 : 0 },
      uniforms: [m, n, k, m * k, b.length === 3 ? k * n : 0],
      workgroups: ceilDiv(n, MATMUL_TILE) * ceilDiv(m, MATMUL_TILE) * batch
    };
  }
};
var maxPool1d = {
  name: "maxPool1d",
  family: "pooling",
  entryPoint: "maxPool1d",
  inputs: ["x"],
  plan([xShape], { kernel }) {
    const x = shapeOf("maxPool1d", "x", xShape, [1, 2, 3], "[B, L]");
    const k = positiveInt("maxPool1d", "kernel", kernel);
    const [rows, len] = rowsOf(x);
    const outLen = ceilDiv(len, k);
    return {
      outputs: [[...x.slice(0, -1), outLen]],
      constants: {},
      uniforms: [rows, len, k, outLen],
      workgroups: ceilDiv(rows * outLen, THREADS)
    };
  }
};
var interpolateLinear = {
  name: "interpolateLinear",
  family: "interpolate",
  entryPoint: "interpolateLinear",
  inputs: ["x"],
  plan([xShape], { size }) {
    const x = shapeOf("interpolateLinear", "x", xShape, [1, 2, 3], "[B, M]");
    const h = positiveInt("interpolateLinear", "size", size);
    const [rows, m] = rowsOf(x);
    return {
      outputs: [[...x.slice(0, -1), h]],
      constants: {},
      uniforms: [rows, m, h, f32Bits(m / h)],
      workgroups: ceilDiv(rows * h, THREADS)
    };
  }
};
function lstmShapes(op, h, c, wh, bias) {
  const hs = shapeOf(op, "h", h, [2], "[B, H]");
  const hidden = hs[1];
  expectDims(op, "c", shapeOf(op, "c", c, [2], "[B, H]"), hs, "[B, H] like h");
  expectDims(op, "wh", shapeOf(op, "wh", wh, [2], "[H, 4H]"), [hidden, 4 * hidden], "[H, 4H]");
  expectDims(op, "b", shapeOf(op, "b", bias, [1], "[4H]"), [4 * hidden], "[4H]");
  return hs;
}
function lstmPlan([rows, hidden], input) {
  return {
    outputs: [[rows, hidden], [rows, hidden]],
    constants: {},
    uniforms: [rows, input, hidden],
    workgroups: ceilDiv(rows * hidden, THREADS)
  };
}
var lstmCell = {
  name: "lstmCell",
  family: "lstm",
  entryPoint: "lstmCell",
  inputs: ["h", "c", "wh", "b", "x", "wx"],
  plan([h, c, wh, b, xShape, wxShape]) {
    const hs = lstmShapes("lstmCell", h, c, wh, b);
    const x = shapeOf("lstmCell", "x", xShape, [2], "[B, I]");
    expectDims("lstmCell", "x", x, [hs[0], x[1]], "[B, I] with h's B");
    expectDims("lstmCell", "wx", shapeOf("lstmCell", "wx", wxShape, [2], "[I, 4H]"), [x[1], 4 * hs[1]], "[I, 4H]");
    return lstmPlan(hs, x[1]);
  }
};
var lstmCellPre = {
  name: "lstmCellPre",
  family: "lstm",
  entryPoint: "lstmCellPre",
  inputs: ["h", "c", "wh", "b", "xw"],
  plan([h, c, wh, b, xwShape]) {
    const hs = lstmShapes("lstmCellPre", h, c, wh, b);
    expectDims("lstmCellPre", "xw", shapeOf("lstmCellPre", "xw", xwShape, [2], "[B, 4H]"), [hs[0], 4 * hs[1]], "[B, 4H]");
    return lstmPlan(hs, 0);
  }
};
var layerNorm = {
  name: "layerNorm",
  family: "norm",
  entryPoint: "layerNorm",
  inputs: ["x", "gamma", "beta"],
  plan([xShape, gamma, beta], { eps }) {
    const x = shapeOf("layerNorm", "x", xShape, [1, 2, 3], "[R, N]");
    const [rows, n] = rowsOf(x);
    expectDims("layerNorm", "gamma", shapeOf("layerNorm", "gamma", gamma, [1], "[N]"), [n], "[N]");
    expectDims("layerNorm", "beta", shapeOf("layerNorm", "beta", beta, [1], "[N]"), [n], "[N]");
    if (!(eps > 0)) fail("layerNorm", "eps", `eps must be positive; got ${eps}`);
    return { outputs: [x], constants: {}, uniforms: [n, f32Bits(eps)], workgroups: rows };
  }
};
var softmax = {
  name: "softmax",
  family: "norm",
  entryPoint: "softmax",
  inputs: ["x"],
  plan([xShape]) {
    const x = shapeOf("softmax", "x", xShape, [1, 2, 3], "[R, N]");
    const [rows, n] = rowsOf(x);
    return { outputs: [x], constants: {}, uniforms: [n, 0], workgroups: rows };
  }
};
var attention = {
  name: "attention",
  family: "attention",
  entryPoint: "attention",
  inputs: ["q", "k", "v"],
  plan([qShape, kShape, vShape], { heads, causal }) {
    const q = shapeOf("attention", "q", qShape, [3], "[B, T, D]");
    expectDims("attention", "k", shapeOf("attention", "k", kShape, [3], "[B, T, D]"), q, "[B, T, D] like q");
    expectDims("attention", "v", shapeOf("attention", "v", vShape, [3], "[B, T, D]"), q, "[B, T, D] like q");
    const [batch, t, d] = q;
    positiveInt("attention", "heads", heads);
    if (d % heads !== 0) fail("attention", "heads", `D = ${d} must be a multiple of heads = ${heads}`);
    const headDim = d / heads;
    if (headDim > MAX_HEAD_DIM) throw new GpuLimitError("attention head size D/heads", headDim, MAX_HEAD_DIM, "attention");
    return {
      outputs: [q],
      constants: { CAUSAL: causal ? 1 : 0 },
      uniforms: [batch * heads * t, t, d, heads, headDim],
      workgroups: ceilDiv(batch * heads * t, THREADS)
    };
  }
};
var PROGRAMS = new Map(
  [matmul, maxPool1d, interpolateLinear, lstmCell, lstmCellPre, layerNorm, softmax, attention].map(
    (p) => [p.name, p]
  )
);

// src/gpu/executor.ts
var MAP_READ = 1;
var COPY_SRC = 4;
var COPY_DST = 8;
var UNIFORM = 64;
var STORAGE = 128;
var SUBMIT_EVERY = 16;
var GpuTensor = class {
  constructor(shape, buffer, owner) {
    this.shape = shape;
    this.buffer = buffer;
    this.owner = owner;
  }
  shape;
  buffer;
  owner;
  #released = false;
  get length() {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get released() {
    return this.#released;
  }
  /** Hands the buffer back to the owner's pool. */
  release() {
    if (this.#released) return;
    this.#released = true;
    this.owner.recycle(this.buffer);
  }
};
var GpuExecutor = class {
  constructor(device, adapter, options = {}, counters = { pipelinesCompiled: 0, devicesAcquired: 1 }) {
    this.device = device;
    this.adapter = adapter;
    this.counters = counters;
    const { limits } = device;
    const maxBytes = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    this.storage = new BufferPool(device, STORAGE | COPY_SRC | COPY_DST, "tensor", maxBytes);
    this.uniforms = new BufferPool(device, UNIFORM | COPY_DST, "params", limits.maxUniformBufferBindingSize);
    this.staging = new BufferPool(device, MAP_READ | COPY_DST, "readback", limits.maxBufferSize);
    this.absent = device.createBuffer({ label: "absent input", size: 16, usage: STORAGE });
    this.maxPerDimension = Math.min(limits.maxComputeWorkgroupsPerDimension, options.maxWorkgroupsPerDimension ?? Infinity);
    this.lost = device.lost.then((info) => this.lostInfo = info);
  }
  device;
  adapter;
  counters;
  pipelines = /* @__PURE__ */ new Map();
  modules = /* @__PURE__ */ new Map();
  storage;
  uniforms;
  staging;
  /** Bound where an optional input is absent. */
  absent;
  maxPerDimension;
  encoder = null;
  encoded = 0;
  scoped = false;
  checks = [];
  lostInfo = null;
  /** Resolves when the device is lost, with its reason. */
  lost;
  get isLost() {
    return this.lostInfo !== null;
  }
  /** Pipelines in this executor's cache, and buffers created and reused by its pools. */
  get stats() {
    const pools = [this.storage, this.uniforms, this.staging];
    return {
      pipelines: this.pipelines.size,
      buffersCreated: pools.reduce((n, p) => n + p.stats.created, 0),
      buffersReused: pools.reduce((n, p) => n + p.stats.reused, 0),
      tensorBuffersCreated: this.storage.stats.created,
      tensorBuffersReused: this.storage.stats.reused
    };
  }
  upload(data, shape = [data.length]) {
    this.checkLive();
    const length = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isInteger(d) && d >= 1) || length !== data.length) {
      throw new ConfigError(`upload: shape [${shape.join(", ")}] must be positive integers whose product is the data's length ${data.length}`, { field: "upload.shape" });
    }
    const tensor = this.allocate(shape, "upload");
    this.device.queue.writeBuffer(tensor.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return tensor;
  }
  /**
   * Encodes one program on resident tensors and returns its outputs (still on
   * the device). `inputs` follow `program.inputs`; null stands for an absent
   * optional input.
   */
  run(program, inputs, params) {
    this.checkLive();
    if (inputs.length !== program.inputs.length) {
      throw new ConfigError(`${program.name}: takes ${program.inputs.length} inputs (${program.inputs.join(", ")}); got ${inputs.length}`, { field: program.name });
    }
    inputs.forEach((t, i) => {
      const name = program.inputs[i];
      if (t) this.checkOwned(t, `${program.name}.${name}`);
      else if (!program.optional?.includes(name)) {
        throw new ConfigError(`${program.name}: input ${name} is required`, { field: `${program.name}.${name}` });
      }
    });
    const plan = program.plan(inputs.map((t) => t?.shape ?? null), params);
    const grid = this.grid(plan.workgroups, program.name);
    const outputs = plan.outputs.map((shape) => this.allocate(shape, program.name));
    const pipeline = this.pipeline(program, plan.constants);
    const words = new Uint32Array(Math.ceil((plan.uniforms.length + 1) / 4) * 4);
    words[0] = plan.workgroups;
    words.set(plan.uniforms, 1);
    const uniform = this.uniforms.acquire(words.byteLength);
    this.device.queue.writeBuffer(uniform, 0, words);
    const buffers = [...outputs.map((t) => t.buffer), ...inputs.map((t) => t?.buffer ?? this.absent)];
    const sizes = [...outputs, ...inputs].map((t) => t ? t.length * 4 : this.absent.size);
    const bindGroup = this.device.createBindGroup({
      label: program.name,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform, size: words.byteLength } },
        ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer, size: sizes[i] } }))
      ]
    });
    const pass = this.encode().beginComputePass({ label: program.name });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...grid);
    pass.end();
    this.uniforms.release(uniform);
    if (++this.encoded >= SUBMIT_EVERY) this.flush();
    return outputs;
  }
  /** Copies a tensor back to the host (submitting everything encoded before it). */
  async read(tensor) {
    this.checkLive();
    this.checkOwned(tensor, "read");
    const bytes = tensor.length * 4;
    const staging = this.staging.acquire(bytes);
    this.encode().copyBufferToBuffer(tensor.buffer, 0, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(1, 0, bytes);
    } catch (e) {
      this.checkLive();
      throw new GpuError(`reading a [${tensor.shape.join(", ")}] tensor failed: ${e instanceof Error ? e.message : e}`);
    }
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.staging.release(staging);
    await this.finish();
    return out;
  }
  /** Submits what is encoded and waits for the device's verdict on it: a GpuError if it reported one. */
  async finish() {
    this.flush();
    const errors = await Promise.all(this.checks.splice(0));
    this.checkLive();
    const error = errors.find((e) => e !== null);
    if (error) throw new GpuError(`the device reported: ${error.message}`);
  }
  /** Submits the encoded commands; buffers released before now become reusable. */
  flush() {
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.encoded = 0;
    }
    for (const pool of [this.storage, this.uniforms, this.staging]) pool.submitted();
    if (this.scoped) {
      const validation = this.device.popErrorScope();
      const memory = this.device.popErrorScope();
      this.checks.push(Promise.all([validation, memory]).then(([v, m]) => v ?? m));
      this.scoped = false;
    }
  }
  /** Frees every buffer and the device; tensors of this executor become unusable. */
  destroy() {
    for (const pool of [this.storage, this.uniforms, this.staging]) pool.destroy();
    this.device.destroy();
  }
  /** Called by GpuTensor.release. */
  recycle(buffer) {
    if (!this.isLost) this.storage.release(buffer);
  }
  allocate(shape, what) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    const { maxStorageBufferBindingSize, maxBufferSize } = this.device.limits;
    if (bytes > maxStorageBufferBindingSize) {
      throw new GpuLimitError("maxStorageBufferBindingSize", bytes, maxStorageBufferBindingSize, `${what} (a [${shape.join(", ")}] float32 tensor)`);
    }
    if (bytes > maxBufferSize) throw new GpuLimitError("maxBufferSize", bytes, maxBufferSize, `${what} (a [${shape.join(", ")}] float32 tensor)`);
    this.scope();
    return new GpuTensor(shape, this.storage.acquire(bytes), this);
  }
  /** The compute pipeline of `program` specialized for `constants`, compiled on first use. */
  pipeline(program, constants) {
    const names = Object.keys(constants).sort();
    const key = [program.name, ...names.map((n) => `${n}=${constants[n]}`)].join("|");
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      this.scope();
      let module = this.modules.get(program.family);
      if (!module) {
        module = this.device.createShaderModule({ label: `${program.family}.wgsl`, code: programSource(program.family) });
        this.modules.set(program.family, module);
      }
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: "auto",
        compute: { module, entryPoint: program.entryPoint, constants }
      });
      this.pipelines.set(key, pipeline);
      this.counters.pipelinesCompiled++;
    }
    return pipeline;
  }
  /**
   * Folds a flat workgroup count into (x, y, z) within the per-dimension
   * limit; kernels recover the flat index and skip the surplus.
   */
  grid(count, what) {
    const max = this.maxPerDimension;
    if (count <= max) return [count, 1, 1];
    const rows = Math.ceil(count / max);
    if (rows <= max) return [max, rows, 1];
    const layers = Math.ceil(rows / max);
    if (layers > max) throw new GpuLimitError("maxComputeWorkgroupsPerDimension", Math.ceil(Math.cbrt(count)), max, `${what} (${count} workgroups)`);
    return [max, max, layers];
  }
  encode() {
    this.scope();
    return this.encoder ??= this.device.createCommandEncoder({ label: "nt ops" });
  }
  /** Opens error scopes around everything until the next flush, so device errors surface in finish(). */
  scope() {
    if (this.scoped) return;
    this.device.pushErrorScope("out-of-memory");
    this.device.pushErrorScope("validation");
    this.scoped = true;
  }
  checkLive() {
    if (this.lostInfo) {
      throw new GpuDeviceLostError(
        `the WebGPU device was lost (${this.lostInfo.reason}: ${this.lostInfo.message || "no message"}); ask the GpuRuntime for a new executor and upload the tensors again`
      );
    }
  }
  checkOwned(tensor, where) {
    if (tensor.owner !== this) {
      tensor.owner.checkLive();
      throw new GpuError(`${where}: the tensor belongs to another executor (device); upload it to this one`, { field: where });
    }
    if (tensor.released) throw new GpuError(`${where}: the tensor was released`, { field: where });
  }
};

// src/gpu/runtime.ts
var GpuRuntime = class {
  constructor(gpu, options = {}) {
    this.gpu = gpu;
    this.options = options;
  }
  gpu;
  options;
  live = null;
  acquiring = null;
  /** Pipelines compiled and devices acquired over the runtime's life, across device losses. */
  counters = { pipelinesCompiled: 0, devicesAcquired: 0 };
  /** The executor of the live device, acquiring a device when there is none or it was lost. */
  executor() {
    if (this.live && !this.live.isLost) return Promise.resolve(this.live);
    return this.acquiring ??= this.acquire().finally(() => this.acquiring = null);
  }
  /** Destroys the current device (if any); a later executor() acquires a new one. */
  destroy() {
    this.live?.destroy();
    this.live = null;
  }
  async acquire() {
    const { device, description } = await acquireDevice(this.gpu, this.options);
    this.counters.devicesAcquired++;
    this.live = new GpuExecutor(device, description, this.options, this.counters);
    return this.live;
  }
};

// src/gpu/ops.ts
function matmul2(ex2, a, b, options = {}) {
  return ex2.run(matmul, [a, b, options.bias ?? null], { activation: options.activation ?? "none" })[0];
}
function linear(ex2, x, w, b, activation = "none") {
  return matmul2(ex2, x, w, { bias: b, activation });
}
function maxPool1d2(ex2, x, kernel) {
  return ex2.run(maxPool1d, [x], { kernel })[0];
}
function interpolateLinear2(ex2, x, size) {
  return ex2.run(interpolateLinear, [x], { size })[0];
}
function lstmCell2(ex2, x, h, c, wx, wh, b) {
  const [hNext, cNext] = ex2.run(lstmCell, [h, c, wh, b, x, wx], {});
  return [hNext, cNext];
}
function lstmCellPre2(ex2, xw, h, c, wh, b) {
  const [hNext, cNext] = ex2.run(lstmCellPre, [h, c, wh, b, xw], {});
  return [hNext, cNext];
}
function layerNorm2(ex2, x, gamma, beta, eps = 1e-5) {
  return ex2.run(layerNorm, [x, gamma, beta], { eps })[0];
}
function softmax2(ex2, x) {
  return ex2.run(softmax, [x], {})[0];
}
function attention2(ex2, q, k, v, heads, causal = false) {
  return ex2.run(attention, [q, k, v], { heads, causal })[0];
}

// src/gpu/reference.ts
function activate(x, activation) {
  switch (activation) {
    case "none":
      return x;
    case "relu":
      return Math.max(x, 0);
    case "gelu":
      return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    case "tanh":
      return Math.tanh(x);
    case "sigmoid":
      return 1 / (1 + Math.exp(-x));
  }
}
function matmul3(a, b, bias, [batch, m, k, n], activation = "none", sharedB = true) {
  const c = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const bOff = sharedB ? 0 : p * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = bias ? bias[j] : 0;
        for (let t = 0; t < k; t++) s += a[(p * m + i) * k + t] * b[bOff + t * n + j];
        c[(p * m + i) * n + j] = activate(s, activation);
      }
    }
  }
  return c;
}
function linear2(x, w, b, rows, k, n, activation = "none") {
  return matmul3(x, w, b, [1, rows, k, n], activation);
}
function maxPool1d3(x, rows, len, kernel) {
  const outLen = Math.ceil(len / kernel);
  const y = new Float64Array(rows * outLen);
  for (let r2 = 0; r2 < rows; r2++) {
    for (let j = 0; j < outLen; j++) {
      let m = -Infinity;
      for (let t = j * kernel; t < Math.min((j + 1) * kernel, len); t++) m = Math.max(m, x[r2 * len + t]);
      y[r2 * outLen + j] = m;
    }
  }
  return y;
}
function interpolateLinear3(x, rows, m, h) {
  const f32 = Math.fround;
  const scale = f32(m / h);
  const y = new Float64Array(rows * h);
  for (let r2 = 0; r2 < rows; r2++) {
    for (let j = 0; j < h; j++) {
      const src = Math.max(f32(f32(scale * (j + 0.5)) - 0.5), 0);
      const i0 = Math.floor(src);
      const i1 = Math.min(i0 + 1, m - 1);
      const w = src - i0;
      y[r2 * h + j] = (1 - w) * x[r2 * m + i0] + w * x[r2 * m + i1];
    }
  }
  return y;
}
function lstmCell3(x, h, c, wx, wh, b, rows, input, hidden) {
  const sigmoid = (v) => 1 / (1 + Math.exp(-v));
  const z = matmul3(x, wx, b, [1, rows, input, 4 * hidden]);
  const zh = matmul3(h, wh, null, [1, rows, hidden, 4 * hidden]);
  const hOut = new Float64Array(rows * hidden);
  const cOut = new Float64Array(rows * hidden);
  for (let r2 = 0; r2 < rows; r2++) {
    for (let j = 0; j < hidden; j++) {
      const gate = (g) => z[r2 * 4 * hidden + g * hidden + j] + zh[r2 * 4 * hidden + g * hidden + j];
      const cNext = sigmoid(gate(1)) * c[r2 * hidden + j] + sigmoid(gate(0)) * Math.tanh(gate(2));
      cOut[r2 * hidden + j] = cNext;
      hOut[r2 * hidden + j] = sigmoid(gate(3)) * Math.tanh(cNext);
    }
  }
  return { h: hOut, c: cOut };
}
function layerNorm3(x, gamma, beta, rows, n, eps = 1e-5) {
  const y = new Float64Array(rows * n);
  for (let r2 = 0; r2 < rows; r2++) {
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x[r2 * n + j] / n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (x[r2 * n + j] - mean) ** 2 / n;
    for (let j = 0; j < n; j++) y[r2 * n + j] = (x[r2 * n + j] - mean) / Math.sqrt(variance + eps) * gamma[j] + beta[j];
  }
  return y;
}
function softmax3(x, rows, n) {
  const y = new Float64Array(rows * n);
  for (let r2 = 0; r2 < rows; r2++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, x[r2 * n + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[r2 * n + j] - max);
    for (let j = 0; j < n; j++) y[r2 * n + j] = Math.exp(x[r2 * n + j] - max) / sum;
  }
  return y;
}
function attention3(q, k, v, batch, t, d, heads, causal = false) {
  const dh = d / heads;
  const o = new Float64Array(batch * t * d);
  const at = (p, row, col) => (p * t + row) * d + col;
  for (let p = 0; p < batch; p++) {
    for (let hd = 0; hd < heads; hd++) {
      for (let i = 0; i < t; i++) {
        const keys = causal ? i + 1 : t;
        const s = new Float64Array(keys);
        for (let j = 0; j < keys; j++) {
          for (let c = 0; c < dh; c++) s[j] += q[at(p, i, hd * dh + c)] * k[at(p, j, hd * dh + c)];
          s[j] /= Math.sqrt(dh);
        }
        const w = softmax3(s, 1, keys);
        for (let c = 0; c < dh; c++) {
          let acc = 0;
          for (let j = 0; j < keys; j++) acc += w[j] * v[at(p, j, hd * dh + c)];
          o[at(p, i, hd * dh + c)] = acc;
        }
      }
    }
  }
  return o;
}

// test/gpu/op-cases.ts
var FLOOR = 0.01;
function random(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = s + 1831565813 >>> 0;
    let t = s;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 2 ** 32;
  };
  return (n, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}
function compare({ name, actual, expected }) {
  if (actual.length !== expected.length) return { worst: Infinity, detail: `${name}: length ${actual.length}, expected ${expected.length}` };
  let worst = 0;
  let detail = "";
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), FLOOR);
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      detail = `${name}[${i}] = ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return { worst, detail };
}
async function readAll(ex2, outputs, temps) {
  const read = [];
  for (const [name, tensor, expected] of outputs) read.push({ name, actual: await ex2.read(tensor), expected });
  for (const t of [...temps, ...outputs.map(([, t2]) => t2)]) t.release();
  return read;
}
function linearCase(activation, [rows, k, n], scale, seed) {
  return {
    name: `linear ${activation} [${rows}, ${k}] \xB7 [${k}, ${n}]${scale === 1 ? "" : ` inputs \xD7${scale}`}`,
    async run(ex2) {
      const r2 = random(seed);
      const x = r2(rows * k, -scale, scale);
      const w = r2(k * n, -1 / Math.sqrt(k), 1 / Math.sqrt(k));
      const b = r2(n);
      const [tx, tw, tb] = [ex2.upload(x, [rows, k]), ex2.upload(w, [k, n]), ex2.upload(b, [n])];
      const y = linear(ex2, tx, tw, tb, activation);
      return readAll(ex2, [["y", y, linear2(x, w, b, rows, k, n, activation)]], [tx, tw, tb]);
    }
  };
}
function attentionCase([batch, t, d], heads, causal, seed) {
  return {
    name: `attention [${batch}, ${t}, ${d}] heads ${heads}${causal ? " causal" : ""}`,
    async run(ex2) {
      const r2 = random(seed);
      const [q, k, v] = [r2(batch * t * d, -2, 2), r2(batch * t * d, -2, 2), r2(batch * t * d)];
      const tensors = [q, k, v].map((a) => ex2.upload(a, [batch, t, d]));
      const o = attention2(ex2, tensors[0], tensors[1], tensors[2], heads, causal);
      return readAll(ex2, [["o", o, attention3(q, k, v, batch, t, d, heads, causal)]], tensors);
    }
  };
}
var CASES = [
  ...["none", "relu", "gelu", "tanh", "sigmoid"].map((act, i) => linearCase(act, [37, 29, 19], 1, 10 + i)),
  // Far outside the activations' curved part: tanh and sigmoid saturate, no NaN.
  ...["gelu", "tanh", "sigmoid"].map((act, i) => linearCase(act, [5, 7, 33], 60, 20 + i)),
  {
    name: "matmul batched [3, 21, 35] \xB7 [3, 35, 18], no bias",
    async run(ex2) {
      const r2 = random(30);
      const [a, b] = [r2(3 * 21 * 35), r2(3 * 35 * 18)];
      const [ta, tb] = [ex2.upload(a, [3, 21, 35]), ex2.upload(b, [3, 35, 18])];
      const c = matmul2(ex2, ta, tb);
      return readAll(ex2, [["c", c, matmul3(a, b, null, [3, 21, 35, 18], "none", false)]], [ta, tb]);
    }
  },
  {
    name: "matmul batched [2, 17, 33] \xB7 shared [33, 20] + bias, relu",
    async run(ex2) {
      const r2 = random(31);
      const [a, b, bias] = [r2(2 * 17 * 33), r2(33 * 20), r2(20)];
      const [ta, tb, tbias] = [ex2.upload(a, [2, 17, 33]), ex2.upload(b, [33, 20]), ex2.upload(bias)];
      const c = matmul2(ex2, ta, tb, { bias: tbias, activation: "relu" });
      return readAll(ex2, [["c", c, matmul3(a, b, bias, [2, 17, 33, 20], "relu")]], [ta, tb, tbias]);
    }
  },
  ...[[5, 23, 4], [3, 10, 1], [2, 9, 30], [4, 65, 7]].map(([rows, len, k], i) => ({
    name: `maxPool1d [${rows}, ${len}] k ${k}`,
    async run(ex2) {
      const x = random(40 + i)(rows * len, -5, 5);
      const tx = ex2.upload(x, [rows, len]);
      return readAll(ex2, [["y", maxPool1d2(ex2, tx, k), maxPool1d3(x, rows, len, k)]], [tx]);
    }
  })),
  ...[[4, 7, 24], [3, 24, 7], [2, 1, 5], [5, 13, 13], [2, 3, 100]].map(([rows, m, h], i) => ({
    name: `interpolateLinear [${rows}, ${m}] -> ${h}`,
    async run(ex2) {
      const x = random(50 + i)(rows * m, -3, 3);
      const tx = ex2.upload(x, [rows, m]);
      return readAll(ex2, [["y", interpolateLinear2(ex2, tx, h), interpolateLinear3(x, rows, m, h)]], [tx]);
    }
  })),
  {
    name: "lstmCell B 5, I 6, H 11, and lstmCellPre on a GPU x\xB7Wx",
    async run(ex2) {
      const [rows, input, hidden] = [5, 6, 11];
      const r2 = random(60);
      const [x, h, c] = [r2(rows * input, -2, 2), r2(rows * hidden), r2(rows * hidden, -2, 2)];
      const [wx, wh, b] = [r2(input * 4 * hidden), r2(hidden * 4 * hidden, -0.5, 0.5), r2(4 * hidden)];
      const t = {
        x: ex2.upload(x, [rows, input]),
        h: ex2.upload(h, [rows, hidden]),
        c: ex2.upload(c, [rows, hidden]),
        wx: ex2.upload(wx, [input, 4 * hidden]),
        wh: ex2.upload(wh, [hidden, 4 * hidden]),
        b: ex2.upload(b)
      };
      const [h1, c1] = lstmCell2(ex2, t.x, t.h, t.c, t.wx, t.wh, t.b);
      const xw = linear(ex2, t.x, t.wx, null);
      const [h2, c2] = lstmCellPre2(ex2, xw, t.h, t.c, t.wh, t.b);
      const ref = lstmCell3(x, h, c, wx, wh, b, rows, input, hidden);
      return readAll(ex2, [["h'", h1, ref.h], ["c'", c1, ref.c], ["h' (pre)", h2, ref.h], ["c' (pre)", c2, ref.c]], [...Object.values(t), xw]);
    }
  },
  ...[[6, 70], [1, 3], [9, 200]].map(([rows, n], i) => ({
    name: `layerNorm [${rows}, ${n}]`,
    async run(ex2) {
      const r2 = random(70 + i);
      const [x, gamma, beta] = [r2(rows * n, -3, 5), r2(n, 0.5, 1.5), r2(n)];
      const t = [ex2.upload(x, [rows, n]), ex2.upload(gamma), ex2.upload(beta)];
      return readAll(ex2, [["y", layerNorm2(ex2, t[0], t[1], t[2]), layerNorm3(x, gamma, beta, rows, n)]], t);
    }
  })),
  ...[[7, 100, 1], [3, 5, 30], [4, 1, 1]].map(([rows, n, scale], i) => ({
    name: `softmax [${rows}, ${n}]${scale === 1 ? "" : ` inputs \xD7${scale}`}`,
    async run(ex2) {
      const x = random(80 + i)(rows * n, -scale, scale);
      const tx = ex2.upload(x, [rows, n]);
      return readAll(ex2, [["y", softmax2(ex2, tx), softmax3(x, rows, n)]], [tx]);
    }
  })),
  attentionCase([2, 19, 12], 3, false, 90),
  attentionCase([2, 70, 8], 2, true, 91),
  attentionCase([3, 9, 20], 1, false, 92),
  attentionCase([2, 5, 64], 1, true, 94),
  attentionCase([1, 100, 6], 3, false, 93),
  {
    name: "chain linear gelu -> layerNorm -> linear -> softmax, one readback",
    async run(ex2) {
      const r2 = random(99);
      const [rows, k, hidden, n] = [9, 13, 24, 5];
      const [x, w1, b1, gamma, beta, w2] = [r2(rows * k), r2(k * hidden), r2(hidden), r2(hidden, 0.5, 1.5), r2(hidden), r2(hidden * n)];
      const t = [ex2.upload(x, [rows, k]), ex2.upload(w1, [k, hidden]), ex2.upload(b1), ex2.upload(gamma), ex2.upload(beta), ex2.upload(w2, [hidden, n])];
      const h = linear(ex2, t[0], t[1], t[2], "gelu");
      const hn = layerNorm2(ex2, h, t[3], t[4]);
      const logits = linear(ex2, hn, t[5], null);
      const y = softmax2(ex2, logits);
      const ref = softmax3(
        linear2(layerNorm3(linear2(x, w1, b1, rows, k, hidden, "gelu"), gamma, beta, rows, hidden), w2, null, rows, hidden, n),
        rows,
        n
      );
      return readAll(ex2, [["y", y, ref]], [...t, h, hn, logits]);
    }
  }
];

// ../../../tmp/gpu-scratch/mm.ts
var rt = new GpuRuntime(dawn, {});
var ex = await rt.executor();
var r = random(1);
for (const [m, k, n] of [[256, 256, 256], [37, 29, 19], [1024, 64, 64]]) {
  const [a, b] = [r(m * k), r(k * n)];
  const [ta, tb] = [ex.upload(a, [m, k]), ex.upload(b, [k, n])];
  const times = [];
  let out;
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    out = await ex.read(matmul2(ex, ta, tb));
    times.push((performance.now() - t0).toFixed(0));
  }
  console.log(m, k, n, times.join(" "), compare({ name: "c", actual: out, expected: matmul3(a, b, null, [1, m, k, n]) }).worst);
}
rt.destroy();
