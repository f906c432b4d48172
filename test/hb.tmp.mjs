// src/core/random.ts
var Random = class _Random {
  s0;
  s1;
  s2;
  s3;
  spare = 0;
  hasSpare = false;
  /** `seed`: an integer in [0, 2^32). */
  constructor(seed) {
    let x = seed | 0;
    const next = () => {
      x = x + 2654435769 | 0;
      let z = x;
      z = Math.imul(z ^ z >>> 16, 569420461);
      z = Math.imul(z ^ z >>> 15, 1935289751);
      return z ^ z >>> 15;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }
  /** A generator with the given state words (not all zero), for checking against the published reference outputs. */
  static fromState(s0, s1, s2, s3) {
    const r = new _Random(0);
    [r.s0, r.s1, r.s2, r.s3] = [s0 | 0, s1 | 0, s2 | 0, s3 | 0];
    return r;
  }
  /** The next 32 random bits, as an unsigned integer. */
  nextU32() {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t2 = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t2;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
  /** Uniform on [0, 1) with 53 random bits. */
  uniform() {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
  /** Standard normal by Marsaglia's polar method; the second value of a pair is kept for the next call. */
  normal() {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u;
    let v;
    let s;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * Math.log(s) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
  /** Chi-square with df >= 2 degrees of freedom: 2 Gamma(df / 2) by Marsaglia and Tsang. */
  chiSquare(df) {
    const d = df / 2 - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (; ; ) {
      let x;
      let v;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return 2 * d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return 2 * d * v;
    }
  }
};
function rotl(x, k) {
  return x << k | x >>> 32 - k;
}

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
var MAX_SHOWN_CHARS = 60;
function shown(value) {
  if (value === void 0) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return quoted(value);
  return String(value);
}
function quoted(text) {
  let out = "";
  for (const ch of text) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    if (out.length + escaped.length > MAX_SHOWN_CHARS) return `"${out}\u2026" (${text.length} characters)`;
    out += escaped;
  }
  return `"${out}"`;
}

// src/core/settings.ts
function fail(field, message, { error = ConfigError, prefix = "" }) {
  return new error(`${prefix}${field} ${message}`, { field });
}
function expected(spec) {
  if (spec.type === "boolean") return "true or false";
  const kind = spec.type === "integer" ? "an integer" : "a number";
  const { min, max, minExclusive: lo, maxExclusive: hi } = spec;
  if (min !== void 0 && max !== void 0) {
    return lo || hi ? `${kind} in ${lo ? "(" : "["}${min}, ${max}${hi ? ")" : "]"}` : `${kind} from ${min} to ${max}`;
  }
  if (min !== void 0) return `${kind} ${lo ? ">" : ">="} ${min}`;
  if (max !== void 0) return `${kind} ${hi ? "<" : "<="} ${max}`;
  return spec.type === "integer" ? kind : "a finite number";
}
function settingProblem(spec, value) {
  if (spec.type === "boolean" ? typeof value === "boolean" : fitsNumber(spec, value)) return null;
  return `must be ${expected(spec)}, got ${shown(value)}`;
}
function fitsNumber(spec, v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return false;
  if (spec.type === "integer" && !Number.isInteger(v)) return false;
  const { min, max } = spec;
  if (min !== void 0 && (spec.minExclusive ? v <= min : v < min)) return false;
  if (max !== void 0 && (spec.maxExclusive ? v >= max : v > max)) return false;
  return true;
}
function checkSetting(spec, value, field, report = {}) {
  const problem = settingProblem(spec, value);
  if (problem !== null) throw fail(field, problem, report);
  return value;
}

// src/core/crc32.ts
var CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
function crc32(bytes) {
  let c = 4294967295;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ c >>> 8;
  return (c ^ 4294967295) >>> 0;
}

// src/memory/params.ts
var METRICS = ["l2", "cosine", "ip"];
var DIMENSION_SETTING = { name: "dimension", type: "integer", min: 1, max: 65536, required: true, description: "floats per vector" };
var M_SETTING = { name: "M", type: "integer", default: 16, min: 2, max: 128, description: "links per node on the upper levels (2M on level 0)" };
var EF_CONSTRUCTION_SETTING = { name: "efConstruction", type: "integer", default: 200, min: 1, max: 1e5, description: "beam width while inserting" };
var EF_SEARCH_SETTING = { name: "efSearch", type: "integer", default: 100, min: 1, max: 1e5, description: "beam width while searching (at least k)" };
var SEED_SETTING = { name: "seed", type: "integer", default: 42, min: 0, max: 2 ** 32 - 1, description: "seed of the level draws" };
var K_SETTING = { name: "k", type: "integer", default: 10, min: 1, max: 1e5, description: "neighbours to return" };

// src/memory/file-format.ts
var MAGIC = [78, 84, 86, 88];
var INDEX_FILE_VERSION = 1;
var HEADER_BYTES = 64;
var IndexFileError = class extends EngineError {
  constructor(problem, message, source) {
    super(message, { source });
    this.problem = problem;
  }
  problem;
  code = "index_file";
};
var LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
function checkHost() {
  if (!LITTLE_ENDIAN) throw new Error("vector index files are read and written through little-endian typed arrays; this host is big-endian");
}
var pad4 = (n) => Math.ceil(n / 4) * 4;
function encodeIndex(s) {
  checkHost();
  const count = s.ids.length;
  const json = new TextEncoder().encode(JSON.stringify({ ids: s.ids, metadata: s.metadata.map((m) => m ?? null) }));
  const sections = [s.vectors, s.levels, s.links0, s.upper, s.pool].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const deleted = new Uint8Array(pad4(count));
  deleted.set(s.deleted);
  sections.push(deleted, json);
  const bodyBytes = sections.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(HEADER_BYTES + bodyBytes + 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  const fields = [
    INDEX_FILE_VERSION,
    METRICS.indexOf(s.metric),
    s.dimension,
    s.M,
    s.efConstruction,
    s.efSearch,
    s.seed,
    count,
    s.draws,
    s.entry,
    s.maxLevel,
    s.pool.length,
    json.length,
    0
  ];
  fields.forEach((v, i) => view.setUint32(4 + 4 * i, v >>> 0, true));
  view.setUint32(60, crc32(out.subarray(0, 60)), true);
  let at = HEADER_BYTES;
  for (const a of sections) {
    out.set(a, at);
    at += a.length;
  }
  view.setUint32(at, crc32(out.subarray(HEADER_BYTES, at)), true);
  return out;
}
function decodeIndex(bytes, source) {
  checkHost();
  const fail2 = (problem, message) => new IndexFileError(problem, message, source);
  if (bytes.length >= 4 && MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail2("magic", `not a vector index file: it starts with ${hex(bytes.subarray(0, 4))}, not "NTVX"`);
  }
  if (bytes.length < HEADER_BYTES + 4) throw fail2("truncated", `truncated: ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header and a checksum`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at2) => view.getUint32(at2, true);
  if (crc32(bytes.subarray(0, 60)) !== u32(60)) throw fail2("checksum", "the header is damaged (its CRC-32 does not match)");
  const version = u32(4);
  if (version > INDEX_FILE_VERSION) {
    throw fail2("version", `file format version ${version} is newer than this reader's (${INDEX_FILE_VERSION}); upgrade to read it`);
  }
  if (version < 1) throw fail2("invalid", `file format version ${version} does not exist`);
  const metricCode = u32(8);
  const [dimension, M2, efConstruction, efSearch, seed, count, draws] = [12, 16, 20, 24, 28, 32, 36].map(u32);
  const entry2 = view.getInt32(40, true);
  const maxLevel = view.getInt32(44, true);
  const poolWords = u32(48);
  const jsonBytes = u32(52);
  const invalid = (message) => fail2("invalid", message);
  if (metricCode >= METRICS.length) throw invalid(`metric code ${metricCode} is not 0 (l2), 1 (cosine) or 2 (ip)`);
  for (const [spec, value] of [[DIMENSION_SETTING, dimension], [M_SETTING, M2], [EF_CONSTRUCTION_SETTING, efConstruction], [EF_SEARCH_SETTING, efSearch], [SEED_SETTING, seed]]) {
    const problem = settingProblem(spec, value);
    if (problem !== null) throw invalid(`header: ${spec.name} ${problem}`);
  }
  const words0 = 1 + 2 * M2;
  const lengths = [count * dimension * 4, count * 4, count * words0 * 4, count * 4, poolWords * 4, pad4(count), jsonBytes];
  const expected2 = HEADER_BYTES + lengths.reduce((a, b) => a + b, 0) + 4;
  if (bytes.length < expected2) throw fail2("truncated", `truncated: ${bytes.length} bytes of the ${expected2} its header describes`);
  if (bytes.length > expected2) throw invalid(`${bytes.length - expected2} bytes follow the ${expected2} its header describes`);
  if (crc32(bytes.subarray(HEADER_BYTES, expected2 - 4)) !== u32(expected2 - 4)) {
    throw fail2("checksum", "the body is damaged (its CRC-32 does not match)");
  }
  let at = HEADER_BYTES;
  const section = (i) => {
    const copy = bytes.slice(at, at + lengths[i]);
    at += lengths[i];
    return copy;
  };
  const vectors = new Float32Array(section(0).buffer);
  const levels = new Int32Array(section(1).buffer);
  const links0 = new Int32Array(section(2).buffer);
  const upper = new Int32Array(section(3).buffer);
  const pool = new Int32Array(section(4).buffer);
  const deleted = section(5).subarray(0, count);
  let parsed;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(section(6)));
  } catch (e) {
    throw invalid(`the ids and metadata are not JSON: ${e.message}`);
  }
  const { ids, metadata } = checkJson(parsed, count, invalid);
  const snapshot = {
    metric: METRICS[metricCode],
    dimension,
    M: M2,
    efConstruction,
    efSearch,
    seed,
    draws,
    entry: entry2,
    maxLevel,
    vectors,
    levels,
    links0,
    upper,
    pool,
    deleted,
    ids,
    metadata
  };
  checkGraph(snapshot, invalid);
  return snapshot;
}
function checkJson(parsed, count, invalid) {
  const o = parsed;
  if (typeof o !== "object" || o === null || !Array.isArray(o.ids) || !Array.isArray(o.metadata)) {
    throw invalid('the JSON section must be an object with arrays "ids" and "metadata"');
  }
  if (o.ids.length !== count || o.metadata.length !== count) {
    throw invalid(`the JSON section lists ${o.ids.length} ids and ${o.metadata.length} metadata entries for ${count} vectors`);
  }
  const ids = o.ids.map((id, i) => {
    if (typeof id === "string" || typeof id === "number" && Number.isFinite(id)) return id;
    throw invalid(`ids[${i}] must be a string or a number, got ${shown(id)}`);
  });
  const metadata = o.metadata.map((m, i) => {
    if (m === null) return void 0;
    if (typeof m === "object" && !Array.isArray(m)) return m;
    throw invalid(`metadata[${i}] must be an object or null, got ${shown(m)}`);
  });
  return { ids, metadata };
}
function checkGraph(s, invalid) {
  const count = s.ids.length;
  const words = 1 + s.M;
  for (let node = 0; node < count; node++) {
    const level = s.levels[node];
    if (!(level >= 0 && level <= s.maxLevel)) throw invalid(`node ${node}: level ${level} is outside 0..${s.maxLevel}`);
    if (s.deleted[node] > 1) throw invalid(`node ${node}: deleted flag ${s.deleted[node]} is not 0 or 1`);
    const first = s.upper[node];
    if (level === 0 ? first !== -1 : !(first >= 0 && first + level * words <= s.pool.length)) {
      throw invalid(`node ${node}: upper-level lists at ${first} do not fit its level ${level} and the ${s.pool.length}-word pool`);
    }
  }
  const checkList = (list, node, level, cap) => {
    const n = list[0];
    if (!(n >= 0 && n <= cap)) throw invalid(`node ${node}: level ${level} has ${n} links; at most ${cap} fit`);
    for (let j = 1; j <= n; j++) {
      const to = list[j];
      if (!(to >= 0 && to < count) || to === node || s.levels[to] < level) {
        throw invalid(`node ${node}: level ${level} links to ${to}, not another of the ${count} nodes on that level`);
      }
    }
  };
  const live = /* @__PURE__ */ new Set();
  for (let node = 0; node < count; node++) {
    checkList(s.links0.subarray(node * (1 + 2 * s.M)), node, 0, 2 * s.M);
    for (let l = 1; l <= s.levels[node]; l++) checkList(s.pool.subarray(s.upper[node] + (l - 1) * words), node, l, s.M);
    if (s.deleted[node] === 0) {
      if (live.has(s.ids[node])) throw invalid(`id ${shown(s.ids[node])} is stored twice`);
      live.add(s.ids[node]);
    }
  }
  const entryOk = count === 0 ? s.entry === -1 && s.maxLevel === -1 : s.entry >= 0 && s.entry < count && s.levels[s.entry] === s.maxLevel;
  if (!entryOk) throw invalid(`entry node ${s.entry} at level ${s.maxLevel} does not fit the ${count} nodes`);
  for (let i = 0; i < s.vectors.length; i++) {
    if (!Number.isFinite(s.vectors[i])) throw invalid(`vector ${Math.floor(i / s.dimension)} holds ${s.vectors[i]}`);
  }
}
function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

// src/memory/layout.ts
var W = {
  /** Floats per stored vector: the dimension rounded up to a multiple of 8, zero padded. */
  STRIDE: 0,
  /** 0: squared L2; 1: 1 - dot product. */
  METRIC: 1,
  M: 2,
  M0: 3,
  COUNT: 4,
  ENTRY: 5,
  MAX_LEVEL: 6,
  EF_CONSTRUCTION: 7,
  VECTORS: 8,
  LINKS0: 9,
  UPPER: 10,
  POOL: 11,
  FLAGS: 12,
  MASK: 13,
  VISITED: 14,
  EPOCH: 15,
  HEAP_A: 16,
  HEAP_B: 17,
  SCRATCH: 18,
  OUT: 19,
  QUERY: 20
};
var CONTEXT_BYTES = 128;
var DELETED = 1;
var REGIONS = ["VECTORS", "LINKS0", "UPPER", "FLAGS", "POOL", "MASK", "VISITED", "HEAP_A", "HEAP_B", "SCRATCH", "OUT", "QUERY"];
var KEPT = 5;
var align16 = (n) => Math.ceil(n / 16) * 16;
var GraphMemory = class {
  constructor(engine, shape) {
    this.engine = engine;
    this.shape = shape;
    this.stride = Math.ceil(shape.dimension / 8) * 8;
    this.M0 = 2 * shape.M;
    this.ctx = align16(engine.base);
    engine.grow(this.ctx + CONTEXT_BYTES);
    this.setWord(W.STRIDE, this.stride);
    this.setWord(W.METRIC, shape.metric);
    this.setWord(W.M, shape.M);
    this.setWord(W.M0, this.M0);
    this.setWord(W.COUNT, 0);
    this.setWord(W.ENTRY, -1);
    this.setWord(W.MAX_LEVEL, -1);
    this.setWord(W.EF_CONSTRUCTION, shape.efConstruction);
    this.ensure({ nodes: 64, poolWords: 64, beam: Math.max(64, shape.efConstruction) });
  }
  engine;
  shape;
  stride;
  M0;
  ctx;
  sizes = { nodes: 0, poolWords: 0, beam: 0 };
  offsets = /* @__PURE__ */ new Map();
  lengths = /* @__PURE__ */ new Map();
  views = null;
  get i32() {
    return this.view().i32;
  }
  get f32() {
    return this.view().f32;
  }
  get u8() {
    return this.view().u8;
  }
  word(w) {
    return this.i32[(this.ctx >> 2) + w];
  }
  setWord(w, value) {
    this.i32[(this.ctx >> 2) + w] = value;
  }
  /** Byte address of a region. */
  at(region) {
    return this.offsets.get(region);
  }
  get capacity() {
    return this.sizes.nodes;
  }
  get poolWords() {
    return this.sizes.poolWords;
  }
  get beam() {
    return this.sizes.beam;
  }
  /**
   * Makes room for at least the sizes asked; a region that must grow grows
   * to at least twice its size, so a series of adds moves the graph O(log n)
   * times.
   */
  ensure(need) {
    const old = this.sizes;
    const grow = (key) => {
      const want = need[key] ?? 0;
      return want > old[key] ? Math.max(want, 2 * old[key]) : old[key];
    };
    const next = { nodes: grow("nodes"), poolWords: grow("poolWords"), beam: grow("beam") };
    if (next.nodes === old.nodes && next.poolWords === old.poolWords && next.beam === old.beam) return;
    this.relayout(next);
  }
  relayout(sizes) {
    const { nodes, poolWords, beam } = sizes;
    const lengths = {
      VECTORS: nodes * this.stride * 4,
      LINKS0: nodes * (1 + this.M0) * 4,
      UPPER: nodes * 4,
      FLAGS: nodes,
      POOL: poolWords * 4,
      MASK: nodes,
      VISITED: nodes * 4,
      HEAP_A: (nodes + 1) * 8,
      HEAP_B: (beam + 1) * 8,
      SCRATCH: Math.max(beam, this.M0) * 8 + 8,
      OUT: (beam + 1) * 8,
      QUERY: this.stride * 4
    };
    const offsets = /* @__PURE__ */ new Map();
    let end = this.ctx + CONTEXT_BYTES;
    for (const r of REGIONS) {
      offsets.set(r, end);
      end += align16(lengths[r]);
    }
    if (end > 2 ** 31) {
      throw new ConfigError(`the index needs ${Math.ceil(end / 2 ** 20)} MiB for ${nodes} vectors of dimension ${this.shape.dimension}, over the 2 GiB one index can hold`, { field: "capacity" });
    }
    this.engine.grow(end);
    const bytes = this.u8;
    for (let i = KEPT - 1; i >= 0; i--) {
      const r = REGIONS[i];
      const from = this.offsets.get(r);
      if (from !== void 0) bytes.copyWithin(offsets.get(r), from, from + this.lengths.get(r));
    }
    this.offsets = offsets;
    this.lengths = new Map(REGIONS.map((r) => [r, lengths[r]]));
    this.sizes = sizes;
    for (const r of REGIONS) this.setWord(W[r], offsets.get(r));
    bytes.fill(0, offsets.get("VISITED"), offsets.get("VISITED") + lengths.VISITED);
    this.setWord(W.EPOCH, 0);
  }
  view() {
    const buffer = this.engine.buffer();
    if (this.views?.buffer !== buffer) {
      this.views = { buffer, i32: new Int32Array(buffer), f32: new Float32Array(buffer), u8: new Uint8Array(buffer) };
    }
    return this.views;
  }
};

// src/memory/hnsw-twin.ts
var fr = Math.fround;
var TwinEngine = class {
  base = 0;
  memory = new ArrayBuffer(0);
  i32 = new Int32Array(0);
  u32 = new Uint32Array(0);
  f32 = new Float32Array(0);
  u8 = new Uint8Array(0);
  // The context, read by bind() at each entry point (word addresses are int indexes here: byte address >> 2).
  ctx = 0;
  stride = 0;
  metric = 0;
  vectors = 0;
  flags = 0;
  mask = 0;
  visited = 0;
  epoch = 0;
  buffer() {
    return this.memory;
  }
  grow(bytes) {
    if (bytes <= this.memory.byteLength) return;
    const next = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
    new Uint8Array(next).set(new Uint8Array(this.memory));
    this.memory = next;
    this.i32 = new Int32Array(next);
    this.u32 = new Uint32Array(next);
    this.f32 = new Float32Array(next);
    this.u8 = new Uint8Array(next);
  }
  word(i) {
    return this.i32[(this.ctx >> 2) + i];
  }
  setWord(i, v) {
    this.i32[(this.ctx >> 2) + i] = v;
  }
  bind(context) {
    this.ctx = context;
    this.stride = this.word(W.STRIDE);
    this.metric = this.word(W.METRIC);
    this.vectors = this.word(W.VECTORS) >> 2;
    this.flags = this.word(W.FLAGS);
    this.mask = this.word(W.MASK);
    this.visited = this.word(W.VISITED) >> 2;
    this.epoch = this.word(W.EPOCH) >>> 0;
  }
  /** Float index of a node's vector. */
  vec(node) {
    return this.vectors + node * this.stride;
  }
  /** Distance between the vectors at float indexes a and b: lanes 0-3 and 4-7 of each block of 8, as two f32x4. */
  distance(a, b) {
    const f = this.f32;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    if (this.metric === 0) {
      for (let i = 0; i < this.stride; i += 8) {
        const d0 = fr(f[a + i] - f[b + i]), d1 = fr(f[a + i + 1] - f[b + i + 1]);
        const d2 = fr(f[a + i + 2] - f[b + i + 2]), d3 = fr(f[a + i + 3] - f[b + i + 3]);
        const e0 = fr(f[a + i + 4] - f[b + i + 4]), e1 = fr(f[a + i + 5] - f[b + i + 5]);
        const e2 = fr(f[a + i + 6] - f[b + i + 6]), e3 = fr(f[a + i + 7] - f[b + i + 7]);
        a0 = fr(a0 + fr(d0 * d0));
        a1 = fr(a1 + fr(d1 * d1));
        a2 = fr(a2 + fr(d2 * d2));
        a3 = fr(a3 + fr(d3 * d3));
        b0 = fr(b0 + fr(e0 * e0));
        b1 = fr(b1 + fr(e1 * e1));
        b2 = fr(b2 + fr(e2 * e2));
        b3 = fr(b3 + fr(e3 * e3));
      }
    } else {
      for (let i = 0; i < this.stride; i += 8) {
        a0 = fr(a0 + fr(f[a + i] * f[b + i]));
        a1 = fr(a1 + fr(f[a + i + 1] * f[b + i + 1]));
        a2 = fr(a2 + fr(f[a + i + 2] * f[b + i + 2]));
        a3 = fr(a3 + fr(f[a + i + 3] * f[b + i + 3]));
        b0 = fr(b0 + fr(f[a + i + 4] * f[b + i + 4]));
        b1 = fr(b1 + fr(f[a + i + 5] * f[b + i + 5]));
        b2 = fr(b2 + fr(f[a + i + 6] * f[b + i + 6]));
        b3 = fr(b3 + fr(f[a + i + 7] * f[b + i + 7]));
      }
    }
    const total = fr(fr(fr(a0 + b0) + fr(a1 + b1)) + fr(fr(a2 + b2) + fr(a3 + b3)));
    return this.metric === 0 ? total : fr(1 - total);
  }
  /** Int index of a node's link list on a level: a count, then the ids. */
  links(node, level) {
    if (level === 0) return (this.word(W.LINKS0) >> 2) + node * (1 + this.word(W.M0));
    const first = this.i32[(this.word(W.UPPER) >> 2) + node] + (level - 1) * (1 + this.word(W.M));
    return (this.word(W.POOL) >> 2) + first;
  }
  accepted(node, useMask) {
    return this.u8[this.flags + node] === 0 && (!useMask || this.u8[this.mask + node] !== 0);
  }
  newEpoch() {
    this.epoch = this.epoch + 1 >>> 0;
    if (this.epoch === 0) {
      this.u32.fill(0, this.visited, this.visited + this.word(W.COUNT));
      this.epoch = 1;
    }
    this.setWord(W.EPOCH, this.epoch | 0);
  }
  seen(node) {
    const p = this.visited + node;
    if (this.u32[p] === this.epoch) return true;
    this.u32[p] = this.epoch;
    return false;
  }
  // Heaps at byte address h: pair i is f32[(h >> 2) + 2i] (key), i32[(h >> 2) + 2i + 1] (id).
  hkey(h2, i) {
    return this.f32[(h2 >> 2) + 2 * i];
  }
  hid(h2, i) {
    return this.i32[(h2 >> 2) + 2 * i + 1];
  }
  hset(h2, i, key, id) {
    this.f32[(h2 >> 2) + 2 * i] = key;
    this.i32[(h2 >> 2) + 2 * i + 1] = id;
  }
  heapPush(h2, size, key, id) {
    let i = size;
    while (i > 0) {
      const parent = i - 1 >> 1;
      const pk = this.hkey(h2, parent);
      if (!(key > pk)) break;
      this.hset(h2, i, pk, this.hid(h2, parent));
      i = parent;
    }
    this.hset(h2, i, key, id);
    return size + 1;
  }
  heapPop(h2, size) {
    const last = size - 1;
    const key = this.hkey(h2, last);
    const id = this.hid(h2, last);
    let i = 0;
    for (; ; ) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.hkey(h2, r) > this.hkey(h2, l) ? r : l;
      if (!(this.hkey(h2, c) > key)) break;
      this.hset(h2, i, this.hkey(h2, c), this.hid(h2, c));
      i = c;
    }
    if (last > 0) this.hset(h2, i, key, id);
    return last;
  }
  drainSorted(h2, size, dst) {
    let n = size;
    for (let i = size - 1; i >= 0; i--) {
      this.hset(dst, i, this.hkey(h2, 0), this.hid(h2, 0));
      n = this.heapPop(h2, n);
    }
    return size;
  }
  greedy(q, ep, level) {
    let cur = ep;
    let best = this.distance(q, this.vec(cur));
    let changed = true;
    while (changed) {
      changed = false;
      const list = this.links(cur, level);
      const n = this.i32[list];
      for (let j = 1; j <= n; j++) {
        const e = this.i32[list + j];
        const d = this.distance(q, this.vec(e));
        if (d < best) {
          best = d;
          cur = e;
          changed = true;
        }
      }
    }
    return cur;
  }
  searchLayer(q, ep, ef, level, useMask) {
    const ha = this.word(W.HEAP_A);
    const hb = this.word(W.HEAP_B);
    this.newEpoch();
    this.seen(ep);
    const d0 = this.distance(q, this.vec(ep));
    let sizeA = this.heapPush(ha, 0, -d0, ep);
    let sizeB = 0;
    let bound = Infinity;
    if (this.accepted(ep, useMask)) {
      sizeB = this.heapPush(hb, 0, d0, ep);
      bound = d0;
    }
    while (sizeA > 0) {
      const cd = -this.hkey(ha, 0);
      if (cd > bound && sizeB === ef) break;
      const c = this.hid(ha, 0);
      sizeA = this.heapPop(ha, sizeA);
      const list = this.links(c, level);
      const n = this.i32[list];
      for (let j = 1; j <= n; j++) {
        const e = this.i32[list + j];
        if (this.seen(e)) continue;
        const d = this.distance(q, this.vec(e));
        if (sizeB < ef || d < bound) {
          sizeA = this.heapPush(ha, sizeA, -d, e);
          if (this.accepted(e, useMask)) {
            sizeB = this.heapPush(hb, sizeB, d, e);
            if (sizeB > ef) sizeB = this.heapPop(hb, sizeB);
            bound = this.hkey(hb, 0);
          }
        }
      }
    }
    return sizeB;
  }
  /** dst: int index of a link list. */
  selectNeighbors(cand, n, m, dst) {
    let kept = 0;
    for (let i = 0; i < n && kept < m; i++) {
      const c = this.hid(cand, i);
      let good = true;
      if (n >= m) {
        const dc = this.hkey(cand, i);
        for (let j = 1; j <= kept; j++) {
          if (this.distance(this.vec(c), this.vec(this.i32[dst + j])) < dc) {
            good = false;
            break;
          }
        }
      }
      if (good) {
        kept++;
        this.i32[dst + kept] = c;
      }
    }
    this.i32[dst] = kept;
  }
  connect(nb, node, level) {
    const list = this.links(nb, level);
    const cap = level === 0 ? this.word(W.M0) : this.word(W.M);
    const n = this.i32[list];
    if (n < cap) {
      this.i32[list + n + 1] = node;
      this.i32[list] = n + 1;
      return;
    }
    const scratch = this.word(W.SCRATCH);
    const base = this.vec(nb);
    for (let j = 0; j < n; j++) {
      const e = this.i32[list + j + 1];
      this.hset(scratch, j, this.distance(base, this.vec(e)), e);
    }
    this.hset(scratch, n, this.distance(base, this.vec(node)), node);
    for (let i = 1; i <= n; i++) {
      const key = this.hkey(scratch, i);
      const id = this.hid(scratch, i);
      let j = i - 1;
      while (j >= 0 && this.hkey(scratch, j) > key) {
        this.hset(scratch, j + 1, this.hkey(scratch, j), this.hid(scratch, j));
        j--;
      }
      this.hset(scratch, j + 1, key, id);
    }
    this.selectNeighbors(scratch, n + 1, cap, list);
  }
  insert(context, node, level) {
    this.bind(context);
    const entry2 = this.word(W.ENTRY);
    if (entry2 < 0) {
      this.setWord(W.ENTRY, node);
      this.setWord(W.MAX_LEVEL, level);
      return;
    }
    const q = this.vec(node);
    const maxLevel = this.word(W.MAX_LEVEL);
    const ef = this.word(W.EF_CONSTRUCTION);
    const m = this.word(W.M);
    const scratch = this.word(W.SCRATCH);
    let ep = entry2;
    for (let l = maxLevel; l > level; l--) ep = this.greedy(q, ep, l);
    for (let l = Math.min(level, maxLevel); l >= 0; l--) {
      const n = this.drainSorted(this.word(W.HEAP_B), this.searchLayer(q, ep, ef, l, false), scratch);
      if (n === 0) continue;
      const next = this.hid(scratch, 0);
      const list = this.links(node, l);
      this.selectNeighbors(scratch, n, m, list);
      const kept = this.i32[list];
      for (let j = 1; j <= kept; j++) this.connect(this.i32[list + j], node, l);
      ep = next;
    }
    if (level > maxLevel) {
      this.setWord(W.ENTRY, node);
      this.setWord(W.MAX_LEVEL, level);
    }
  }
  search(context, k, ef, useMask) {
    this.bind(context);
    const entry2 = this.word(W.ENTRY);
    if (entry2 < 0 || k <= 0) return 0;
    const q = this.word(W.QUERY) >> 2;
    const hb = this.word(W.HEAP_B);
    let ep = entry2;
    for (let l = this.word(W.MAX_LEVEL); l > 0; l--) ep = this.greedy(q, ep, l);
    let size = this.searchLayer(q, ep, Math.max(ef, k), 0, useMask);
    while (size > k) size = this.heapPop(hb, size);
    return this.drainSorted(hb, size, this.word(W.OUT));
  }
  exact(context, k, useMask) {
    this.bind(context);
    if (k <= 0) return 0;
    const q = this.word(W.QUERY) >> 2;
    const hb = this.word(W.HEAP_B);
    const count = this.word(W.COUNT);
    let size = 0;
    for (let node = 0; node < count; node++) {
      if (!this.accepted(node, useMask)) continue;
      const d = this.distance(q, this.vec(node));
      if (size < k) {
        size = this.heapPush(hb, size, d, node);
      } else if (d < this.hkey(hb, 0)) {
        size = this.heapPop(hb, size);
        size = this.heapPush(hb, size, d, node);
      }
    }
    return this.drainSorted(hb, size, this.word(W.OUT));
  }
};
var tsHnsw = { name: "typescript", create: () => new TwinEngine() };

// src/memory/vector-index.ts
var REBUILD_RATIO = 0.25;
var REBUILD_MIN = 64;
var EXACT_FILTER_SHARE = 1 / 8;
var VectorIndex = class _VectorIndex {
  dimension;
  metric;
  M;
  efConstruction;
  seed;
  backend;
  ef;
  graph;
  ids = [];
  meta = [];
  levels = [];
  slots = /* @__PURE__ */ new Map();
  poolUsed = 0;
  deleted = 0;
  rng;
  /** Levels drawn so far: where the seeded stream stands (saved, so a loaded index draws on from there). */
  draws = 0;
  constructor(options) {
    const { dimension, metric } = options;
    this.dimension = checkSetting(DIMENSION_SETTING, dimension, "dimension");
    if (!METRICS.includes(metric)) throw new ConfigError(`metric must be one of ${METRICS.join(", ")}, got ${shown(metric)}`, { field: "metric" });
    this.metric = metric;
    this.M = checkSetting(M_SETTING, options.M ?? M_SETTING.default, "M");
    this.efConstruction = checkSetting(EF_CONSTRUCTION_SETTING, options.efConstruction ?? EF_CONSTRUCTION_SETTING.default, "efConstruction");
    this.ef = checkSetting(EF_SEARCH_SETTING, options.efSearch ?? EF_SEARCH_SETTING.default, "efSearch");
    this.seed = checkSetting(SEED_SETTING, options.seed ?? SEED_SETTING.default, "seed");
    this.backend = options.backend ?? tsHnsw;
    this.rng = new Random(this.seed);
    this.graph = this.newGraph();
  }
  /** Live vectors (tombstones excluded). */
  get size() {
    return this.slots.size;
  }
  get efSearch() {
    return this.ef;
  }
  set efSearch(ef) {
    this.ef = checkSetting(EF_SEARCH_SETTING, ef, "efSearch");
  }
  has(id) {
    return this.slots.has(id);
  }
  /** Adds a vector, replacing the one stored under the same id. */
  add(id, vector, metadata) {
    checkId(id);
    checkMetadata(metadata, id);
    const values = this.prepare(vector, "vector");
    if (this.slots.has(id)) this.remove(id);
    const level = Math.floor(-Math.log(1 - this.rng.uniform()) / Math.log(this.M));
    this.draws++;
    this.store(values, level);
    const slot = this.ids.length;
    this.ids.push(id);
    this.meta.push(metadata);
    this.slots.set(id, slot);
  }
  /** Removes a vector; false when there was none under that id. */
  remove(id) {
    const slot = this.slots.get(id);
    if (slot === void 0) return false;
    this.graph.u8[this.graph.at("FLAGS") + slot] = DELETED;
    this.slots.delete(id);
    this.meta[slot] = void 0;
    this.deleted++;
    if (this.ids.length >= REBUILD_MIN && this.deleted > REBUILD_RATIO * this.ids.length) this.compact();
    return true;
  }
  /** Replaces the metadata stored with a vector (a decision trace's outcome, say). */
  setMetadata(id, metadata) {
    checkMetadata(metadata, id);
    const slot = this.slots.get(id);
    if (slot === void 0) throw new ConfigError(`no vector with id ${shown(id)}`, { field: "id" });
    this.meta[slot] = metadata;
  }
  metadata(id) {
    const slot = this.slots.get(id);
    return slot === void 0 ? void 0 : this.meta[slot];
  }
  /**
   * The k nearest live vectors, nearest first, found through the graph with
   * a beam of max(efSearch, k). With a filter, the beam's answers are
   * filtered first; when fewer than k pass, the filter is applied to every
   * vector and the search repeated with it (exactly when it lets through at
   * most 1/8 of them), so k results come back whenever k vectors match.
   */
  search(vector, k, filter) {
    checkSetting(K_SETTING, k, "k");
    const ef = Math.max(this.ef, k);
    this.setQuery(vector, ef);
    if (filter === void 0) return this.run(k, ef, "graph", false);
    const allows = filterFunction(filter);
    const hits = this.run(ef, ef, "graph", false).filter((h2) => allows(h2.metadata, h2.id));
    if (hits.length >= k) return hits.slice(0, k);
    const matching = this.applyMask(allows);
    if (matching <= EXACT_FILTER_SHARE * this.size) return this.run(k, ef, "exact", true);
    const found = this.run(k, ef, "graph", true);
    return found.length >= Math.min(k, matching) ? found : this.run(k, ef, "exact", true);
  }
  /** The k nearest live vectors by brute force (the reference for recall). */
  exactSearch(vector, k, filter) {
    checkSetting(K_SETTING, k, "k");
    this.setQuery(vector, k);
    if (filter === void 0) return this.run(k, k, "exact", false);
    this.applyMask(filterFunction(filter));
    return this.run(k, k, "exact", true);
  }
  /** Every live vector with its id and metadata, in the order added (cosine: the unit vectors stored). */
  *entries() {
    for (const [id, slot] of [...this.slots].sort((a, b) => a[1] - b[1])) {
      yield { id, vector: this.vectorAt(slot), metadata: this.meta[slot] };
    }
  }
  /** Counts for `nt memory stats` and the tests. */
  stats() {
    const nodesPerLevel = [];
    for (const slot of this.slots.values()) {
      for (let l = 0; l <= this.levels[slot]; l++) nodesPerLevel[l] = (nodesPerLevel[l] ?? 0) + 1;
    }
    const i32 = this.graph.i32;
    const links0 = this.graph.at("LINKS0") >> 2;
    let degree = 0;
    for (const slot of this.slots.values()) degree += i32[links0 + slot * (1 + this.graph.M0)];
    return {
      size: this.size,
      deleted: this.deleted,
      dimension: this.dimension,
      metric: this.metric,
      M: this.M,
      efConstruction: this.efConstruction,
      efSearch: this.ef,
      seed: this.seed,
      backend: this.backend.name,
      maxLevel: this.graph.word(W.MAX_LEVEL),
      nodesPerLevel: Array.from(nodesPerLevel, (n) => n ?? 0),
      meanDegree0: this.size === 0 ? 0 : degree / this.size,
      memoryBytes: this.graph.engine.buffer().byteLength
    };
  }
  /** The index as a file (the format is in src/memory/file-format.ts). */
  save() {
    return encodeIndex(this.snapshot());
  }
  /** An index from save()'s bytes; a damaged or foreign file is an IndexFileError naming what is wrong. */
  static load(bytes, options = {}) {
    return _VectorIndex.restore(decodeIndex(bytes, options.source), options.backend);
  }
  /** Writes the index to storage under `name` (replacing it atomically). */
  saveTo(storage, name) {
    storage.write(name, this.save());
  }
  /** The index saved under `name`; a ConfigError when there is none. */
  static loadFrom(storage, name, options = {}) {
    const bytes = storage.read(name);
    if (bytes === null) throw new ConfigError(`no vector index saved as ${shown(name)}`, { source: name });
    return _VectorIndex.load(bytes, { ...options, source: name });
  }
  newGraph() {
    return new GraphMemory(this.backend.create(), {
      dimension: this.dimension,
      metric: this.metric === "l2" ? 0 : 1,
      M: this.M,
      efConstruction: this.efConstruction
    });
  }
  /** The vector as stored: float32, padded with zeros to the stride; cosine normalized. Refuses a wrong length or a non-finite value. */
  prepare(vector, field) {
    if (vector === null || typeof vector !== "object" || typeof vector.length !== "number") {
      throw new ConfigError(`${field} must be an array of ${this.dimension} numbers, got ${shown(vector)}`, { field });
    }
    if (vector.length !== this.dimension) {
      throw new ConfigError(`${field} has ${vector.length} values; this index holds vectors of dimension ${this.dimension}`, { field });
    }
    const out = new Float32Array(this.graph.stride);
    let norm = 0;
    for (let i = 0; i < this.dimension; i++) {
      const v = vector[i];
      if (typeof v !== "number" || !Number.isFinite(v) || !Number.isFinite(Math.fround(v))) {
        throw new ConfigError(`${field}[${i}] must be a finite float32 number, got ${shown(v)}`, { field: `${field}[${i}]` });
      }
      out[i] = v;
      norm += v * v;
    }
    if (this.metric === "cosine") {
      if (norm === 0) throw new ConfigError(`${field} is all zeros; cosine distance needs a direction`, { field });
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < this.dimension; i++) out[i] = vector[i] * scale;
    }
    return out;
  }
  /** Writes a prepared vector into a new slot with empty link lists and links it in. */
  store(values, level) {
    const g = this.graph;
    const slot = g.word(W.COUNT);
    const words = level * (1 + this.M);
    g.ensure({ nodes: slot + 1, poolWords: this.poolUsed + words });
    g.f32.set(values, (g.at("VECTORS") >> 2) + slot * g.stride);
    const i32 = g.i32;
    i32[(g.at("LINKS0") >> 2) + slot * (1 + g.M0)] = 0;
    i32[(g.at("UPPER") >> 2) + slot] = level > 0 ? this.poolUsed : -1;
    for (let l = 0; l < level; l++) i32[(g.at("POOL") >> 2) + this.poolUsed + l * (1 + this.M)] = 0;
    g.u8[g.at("FLAGS") + slot] = 0;
    this.poolUsed += words;
    this.levels.push(level);
    g.setWord(W.COUNT, slot + 1);
    g.engine.insert(g.ctx, slot, level);
  }
  /** Rebuilds the graph from the live vectors, in the order they were added, each at its level. */
  compact() {
    const live = [...this.slots.values()].sort((a, b) => a - b);
    const vectors = live.map((slot) => this.storedVector(slot));
    const ids = live.map((slot) => this.ids[slot]);
    const meta = live.map((slot) => this.meta[slot]);
    const levels = live.map((slot) => this.levels[slot]);
    this.graph = this.newGraph();
    this.ids = ids;
    this.meta = meta;
    this.levels = [];
    this.slots = new Map(ids.map((id, slot) => [id, slot]));
    this.poolUsed = 0;
    this.deleted = 0;
    vectors.forEach((v, slot) => this.store(v, levels[slot]));
  }
  /** A slot's stored floats with their padding. */
  storedVector(slot) {
    const start = (this.graph.at("VECTORS") >> 2) + slot * this.graph.stride;
    return this.graph.f32.slice(start, start + this.graph.stride);
  }
  vectorAt(slot) {
    return this.storedVector(slot).slice(0, this.dimension);
  }
  /** Writes the query for the searches to come, after making room for their beam (which may move the query's region). */
  setQuery(vector, beam) {
    const q = this.prepare(vector, "query");
    this.graph.ensure({ beam });
    this.graph.f32.set(q, this.graph.at("QUERY") >> 2);
  }
  /** Marks what the filter allows in MASK; returns how many live vectors it allows. */
  applyMask(allows) {
    const g = this.graph;
    const mask = g.at("MASK");
    const u8 = g.u8;
    u8.fill(0, mask, mask + this.ids.length);
    let n = 0;
    for (const [id, slot] of this.slots) {
      if (allows(this.meta[slot], id)) {
        u8[mask + slot] = 1;
        n++;
      }
    }
    return n;
  }
  run(k, ef, how, useMask) {
    const g = this.graph;
    const n = how === "graph" ? g.engine.search(g.ctx, k, ef, useMask) : g.engine.exact(g.ctx, k, useMask);
    const out = g.at("OUT") >> 2;
    const f32 = g.f32;
    const i32 = g.i32;
    const hits = [];
    for (let i = 0; i < n; i++) {
      const slot = i32[out + 2 * i + 1];
      hits.push({ id: this.ids[slot], distance: f32[out + 2 * i], metadata: this.meta[slot] });
    }
    return hits;
  }
  snapshot() {
    const g = this.graph;
    const count = this.ids.length;
    const vectors = new Float32Array(count * this.dimension);
    for (let slot = 0; slot < count; slot++) vectors.set(this.vectorAt(slot), slot * this.dimension);
    const words = 1 + g.M0;
    return {
      metric: this.metric,
      dimension: this.dimension,
      M: this.M,
      efConstruction: this.efConstruction,
      efSearch: this.ef,
      seed: this.seed,
      draws: this.draws,
      entry: g.word(W.ENTRY),
      maxLevel: g.word(W.MAX_LEVEL),
      vectors,
      levels: Int32Array.from(this.levels),
      links0: g.i32.slice(g.at("LINKS0") >> 2, (g.at("LINKS0") >> 2) + count * words),
      upper: g.i32.slice(g.at("UPPER") >> 2, (g.at("UPPER") >> 2) + count),
      pool: g.i32.slice(g.at("POOL") >> 2, (g.at("POOL") >> 2) + this.poolUsed),
      deleted: g.u8.slice(g.at("FLAGS"), g.at("FLAGS") + count),
      ids: this.ids,
      metadata: this.meta
    };
  }
  static restore(s, backend) {
    const index = new _VectorIndex({
      dimension: s.dimension,
      metric: s.metric,
      M: s.M,
      efConstruction: s.efConstruction,
      efSearch: s.efSearch,
      seed: s.seed,
      backend
    });
    const count = s.ids.length;
    const g = index.graph;
    g.ensure({ nodes: count, poolWords: s.pool.length });
    const f32 = g.f32;
    const i32 = g.i32;
    const u8 = g.u8;
    const vectors = g.at("VECTORS") >> 2;
    f32.fill(0, vectors, vectors + count * g.stride);
    for (let slot = 0; slot < count; slot++) {
      f32.set(s.vectors.subarray(slot * s.dimension, (slot + 1) * s.dimension), vectors + slot * g.stride);
    }
    i32.set(s.links0, g.at("LINKS0") >> 2);
    i32.set(s.upper, g.at("UPPER") >> 2);
    i32.set(s.pool, g.at("POOL") >> 2);
    u8.set(s.deleted, g.at("FLAGS"));
    g.setWord(W.COUNT, count);
    g.setWord(W.ENTRY, s.entry);
    g.setWord(W.MAX_LEVEL, s.maxLevel);
    index.ids = [...s.ids];
    index.meta = [...s.metadata];
    index.levels = [...s.levels];
    index.poolUsed = s.pool.length;
    for (let slot = 0; slot < count; slot++) {
      if (s.deleted[slot] === 0) index.slots.set(s.ids[slot], slot);
      else index.deleted++;
    }
    for (; index.draws < s.draws; index.draws++) index.rng.uniform();
    return index;
  }
};
function checkId(id) {
  if (typeof id === "string" || typeof id === "number" && Number.isFinite(id)) return;
  throw new ConfigError(`id must be a string or a finite number, got ${shown(id)}`, { field: "id" });
}
function checkMetadata(metadata, id) {
  if (metadata === void 0 || typeof metadata === "object" && metadata !== null && !Array.isArray(metadata)) return;
  throw new ConfigError(`metadata of ${shown(id)} must be an object, got ${shown(metadata)}`, { field: "metadata" });
}
function filterFunction(filter) {
  if (typeof filter === "function") return filter;
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new ConfigError(`filter must be a function or an object of values to match, got ${shown(filter)}`, { field: "filter" });
  }
  const wanted = Object.entries(filter);
  return (metadata) => metadata !== void 0 && wanted.every(([key, value]) => metadata[key] === value);
}

// src/kernels/module.ts
function isWasmModule(value) {
  return Object.prototype.toString.call(value) === "[object WebAssembly.Module]";
}
async function compileKernels(source, name) {
  const module = isWasmModule(source) ? source : await WebAssembly.compile(source);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) {
    throw new ConfigError(`${name}.wasm must import nothing, but imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}`);
  }
  return module;
}
var MAX_ARENA_BYTES = 2 ** 31 - 2 ** 24;

// src/kernels/memory.ts
var MAX_BYTES = 2 ** 31;
var PAGE = 65536;
var WasmHnsw = class _WasmHnsw {
  constructor(module) {
    this.module = module;
  }
  module;
  name = "wasm";
  static async load(source) {
    return new _WasmHnsw(await compileKernels(source, "memory"));
  }
  create() {
    const k = new WebAssembly.Instance(this.module, {}).exports;
    return {
      base: k.heapBase() >>> 0,
      buffer: () => k.memory.buffer,
      grow(bytes) {
        const have = k.memory.buffer.byteLength;
        if (bytes <= have) return;
        if (bytes > MAX_BYTES) {
          throw new ConfigError(`the index needs ${Math.ceil(bytes / 2 ** 20)} MiB, over the 2 GiB of a kernel module's memory`, { field: "capacity" });
        }
        k.memory.grow(Math.ceil((bytes - have) / PAGE));
      },
      insert: (ctx, node, level) => k.insert(ctx, node, level),
      search: (ctx, kk, ef, useMask) => k.search(ctx, kk, ef, useMask),
      exact: (ctx, kk, useMask) => k.exact(ctx, kk, useMask)
    };
  }
};

// test/helpers.ts
import { readFileSync } from "node:fs";

// src/features/params.ts
function checkPeriod(field, value, min = 1) {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${field} must be an integer >= ${min}, got ${value}`, { field });
  }
  return value;
}
function checkFinite(field, value, min = -Infinity) {
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError(`${field} must be a finite number >= ${min}, got ${value}`, { field });
  }
  return value;
}
function checkSameLength(name, ...series) {
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n) throw new ConfigError(`${name}: input series have different lengths (${series.map((x) => x.length).join(", ")})`);
  }
  return n;
}
function checkInputs(name, a, b = 0, c = 0, d = 0) {
  if (a - a !== 0 || b - b !== 0 || c - c !== 0 || d - d !== 0) {
    throw new ConfigError(`${name}: input ${[a, b, c, d].find((v) => v - v !== 0)} is not a finite number`, { field: `${name}.values` });
  }
}

// src/features/sma.ts
function smaSeries(values, period2) {
  checkPeriod("sma.period", period2);
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = period2 - 1; i < values.length; i++) {
    let sum = 0;
    for (let j = i - period2 + 1; j <= i; j++) sum += values[j];
    out[i] = sum / period2;
  }
  return out;
}
var Sma = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("sma.period", period2);
    this.ring = new Float64Array(period2);
  }
  period;
  ring;
  count = 0;
  sum = 0;
  last = NaN;
  /** Adds the next value; returns the average, NaN until `period` values are in. */
  add(value) {
    checkInputs("sma", value);
    this.sum += value - this.ring[this.count % this.period];
    this.ring[this.count % this.period] = value;
    this.count++;
    if (this.count % 4096 === 0) this.sum = this.ring.reduce((a, b) => a + b, 0);
    return this.current();
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("sma", value);
    if (this.count === 0) return this.add(value);
    const slot = (this.count - 1) % this.period;
    this.sum += value - this.ring[slot];
    this.ring[slot] = value;
    return this.current();
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.count >= this.period;
  }
  current() {
    this.last = this.count >= this.period ? this.sum / this.period : NaN;
    return this.last;
  }
};

// src/features/ema.ts
function emaSeries(values, period2) {
  checkPeriod("ema.period", period2);
  return smoothSeries(values, period2, 2 / (period2 + 1));
}
function smoothSeries(values, period2, alpha) {
  const out = new Float64Array(values.length).fill(NaN);
  if (values.length < period2) return out;
  let e = 0;
  for (let i = 0; i < period2; i++) e += values[i];
  e /= period2;
  out[period2 - 1] = e;
  for (let i = period2; i < values.length; i++) {
    e = alpha * values[i] + (1 - alpha) * e;
    out[i] = e;
  }
  return out;
}
var Ema = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("ema.period", period2);
    this.alpha = 2 / (period2 + 1);
  }
  period;
  alpha;
  count = 0;
  /** Sum of the seed values before the latest bar, then unused. */
  sumBefore = 0;
  sum = 0;
  /** The EMA before the latest bar. */
  before = NaN;
  last = NaN;
  /** Adds the next value; returns the EMA, NaN until `period` values are in. */
  add(value) {
    checkInputs("ema", value);
    this.sumBefore = this.sum;
    this.before = this.last;
    this.count++;
    return this.update(value);
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("ema", value);
    return this.count === 0 ? this.add(value) : this.update(value);
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.count >= this.period;
  }
  update(value) {
    if (this.count < this.period) {
      this.sum = this.sumBefore + value;
      this.last = NaN;
    } else if (this.count === this.period) {
      this.sum = this.sumBefore + value;
      this.last = this.sum / this.period;
    } else {
      this.last = this.alpha * value + (1 - this.alpha) * this.before;
    }
    return this.last;
  }
};

// src/features/rolling.ts
var RollingWindow = class {
  constructor(size) {
    this.size = size;
    this.ring = new Float64Array(size);
    this.ordered = new Float64Array(size);
  }
  size;
  ring;
  ordered;
  count = 0;
  push(value) {
    this.ring[this.count % this.size] = value;
    this.count++;
  }
  /** Revises the newest value; with nothing pushed yet it pushes. */
  replace(value) {
    if (this.count === 0) this.push(value);
    else this.ring[(this.count - 1) % this.size] = value;
  }
  get full() {
    return this.count >= this.size;
  }
  /** The values, oldest first, in an array reused by the next call. */
  oldestFirst() {
    for (let j = 0; j < this.size; j++) this.ordered[j] = this.ring[(this.count + j) % this.size];
    return this.ordered;
  }
};

// src/features/wma.ts
function wmaSeries(values, period2) {
  checkPeriod("wma.period", period2);
  const out = new Float64Array(values.length).fill(NaN);
  const weights = period2 * (period2 + 1) / 2;
  for (let i = period2 - 1; i < values.length; i++) {
    let num = 0;
    for (let j = 0; j < period2; j++) num += (j + 1) * values[i - period2 + 1 + j];
    out[i] = num / weights;
  }
  return out;
}
var Wma = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("wma.period", period2);
    this.recent = new RollingWindow(period2);
    this.weights = period2 * (period2 + 1) / 2;
  }
  period;
  recent;
  weights;
  last = NaN;
  /** Adds the next value; returns the average, NaN until `period` values are in. */
  add(value) {
    checkInputs("wma", value);
    this.recent.push(value);
    return this.update();
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("wma", value);
    this.recent.replace(value);
    return this.update();
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.recent.full;
  }
  update() {
    if (!this.recent.full) return this.last = NaN;
    const values = this.recent.oldestFirst();
    let num = 0;
    for (let j = 0; j < this.period; j++) num += (j + 1) * values[j];
    return this.last = num / this.weights;
  }
};

// src/features/rsi.ts
function rsiSeries(values, period2) {
  checkPeriod("rsi.period", period2);
  const out = new Float64Array(values.length).fill(NaN);
  if (values.length <= period2) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period2; i++) {
    const d = values[i] - values[i - 1];
    gain += Math.max(d, 0);
    loss += Math.max(-d, 0);
  }
  gain /= period2;
  loss /= period2;
  out[period2] = rsiOf(gain, loss);
  const a = 1 / period2;
  for (let i = period2 + 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    gain = a * Math.max(d, 0) + (1 - a) * gain;
    loss = a * Math.max(-d, 0) + (1 - a) * loss;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}
function rsiOf(gain, loss) {
  const s = gain + loss;
  return s === 0 ? 0 : 100 * gain / s;
}
var Rsi = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("rsi.period", period2);
    this.alpha = 1 / period2;
  }
  period;
  alpha;
  count = 0;
  prevInput = NaN;
  lastInput = NaN;
  // Gain and loss sums while seeding, then their Wilder averages; "before"
  // is the state before the latest bar.
  gainBefore = 0;
  lossBefore = 0;
  gain = 0;
  loss = 0;
  last = NaN;
  /** Adds the next value; returns the RSI, NaN until period + 1 values are in. */
  add(value) {
    checkInputs("rsi", value);
    this.prevInput = this.lastInput;
    this.gainBefore = this.gain;
    this.lossBefore = this.loss;
    this.count++;
    return this.update(value);
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("rsi", value);
    return this.count === 0 ? this.add(value) : this.update(value);
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.count > this.period;
  }
  update(value) {
    this.lastInput = value;
    const changes = this.count - 1;
    if (changes === 0) return this.last = NaN;
    const d = value - this.prevInput;
    const up = Math.max(d, 0);
    const down = Math.max(-d, 0);
    if (changes <= this.period) {
      this.gain = this.gainBefore + up;
      this.loss = this.lossBefore + down;
      if (changes < this.period) return this.last = NaN;
      this.gain /= this.period;
      this.loss /= this.period;
    } else {
      this.gain = this.alpha * up + (1 - this.alpha) * this.gainBefore;
      this.loss = this.alpha * down + (1 - this.alpha) * this.lossBefore;
    }
    return this.last = rsiOf(this.gain, this.loss);
  }
};

// src/features/macd.ts
function checkMacd(fast, slow, signal) {
  checkPeriod("macd.fast", fast);
  checkPeriod("macd.slow", slow);
  checkPeriod("macd.signal", signal);
  if (fast >= slow) {
    throw new ConfigError(`macd.fast must be less than macd.slow, got fast ${fast} and slow ${slow}`, { field: "macd.fast" });
  }
}
function macdSeries(values, fast, slow, signal) {
  checkMacd(fast, slow, signal);
  const n = values.length;
  const macd = new Float64Array(n).fill(NaN);
  const sig = new Float64Array(n).fill(NaN);
  if (n >= slow) {
    const skip = slow - fast;
    const fastEma = smoothSeries(values.subarray(skip), fast, 2 / (fast + 1));
    const slowEma = smoothSeries(values, slow, 2 / (slow + 1));
    for (let i = slow - 1; i < n; i++) macd[i] = fastEma[i - skip] - slowEma[i];
    sig.set(smoothSeries(macd.subarray(slow - 1), signal, 2 / (signal + 1)), slow - 1);
  }
  const hist = macd.map((m, i) => m - sig[i]);
  return { macd, signal: sig, hist };
}
var Macd = class {
  constructor(fast, slow, signalPeriod) {
    this.fast = fast;
    this.slow = slow;
    this.signalPeriod = signalPeriod;
    checkMacd(fast, slow, signalPeriod);
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signalPeriod);
  }
  fast;
  slow;
  signalPeriod;
  fastEma;
  slowEma;
  signalEma;
  count = 0;
  lastMacd = NaN;
  lastSignal = NaN;
  /** Adds the next value; returns the MACD line, NaN for the first slow - 1 bars. */
  add(value) {
    checkInputs("macd", value);
    this.count++;
    return this.update(value, false);
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("macd", value);
    return this.count === 0 ? this.add(value) : this.update(value, true);
  }
  get value() {
    return this.lastMacd;
  }
  get signal() {
    return this.lastSignal;
  }
  get hist() {
    return this.lastMacd - this.lastSignal;
  }
  /** True once the signal line (and so the histogram) is defined. */
  get isStable() {
    return this.signalEma.isStable;
  }
  update(value, revise) {
    const feed = (ema, x) => revise ? ema.replace(x) : ema.add(x);
    const slow = feed(this.slowEma, value);
    if (this.count <= this.slow - this.fast) return this.lastMacd = NaN;
    const fast = feed(this.fastEma, value);
    if (this.count < this.slow) return this.lastMacd = NaN;
    this.lastMacd = fast - slow;
    this.lastSignal = feed(this.signalEma, this.lastMacd);
    return this.lastMacd;
  }
};

// src/features/bbands.ts
function checkBbands(period2, k) {
  checkPeriod("bbands.period", period2);
  checkFinite("bbands.k", k, 0);
}
function bbandsSeries(values, period2, k) {
  checkBbands(period2, k);
  const n = values.length;
  const lower = new Float64Array(n).fill(NaN);
  const middle = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  for (let i = period2 - 1; i < n; i++) {
    const [mean2, sd] = meanSd(values.subarray(i - period2 + 1, i + 1));
    middle[i] = mean2;
    lower[i] = mean2 - k * sd;
    upper[i] = mean2 + k * sd;
  }
  return { lower, middle, upper };
}
function meanSd(values) {
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += values[j];
  const mean2 = sum / values.length;
  let m2 = 0;
  for (let j = 0; j < values.length; j++) m2 += (values[j] - mean2) ** 2;
  return [mean2, Math.sqrt(m2 / values.length)];
}
var Bbands = class {
  constructor(period2, k) {
    this.period = period2;
    this.k = k;
    checkBbands(period2, k);
    this.recent = new RollingWindow(period2);
  }
  period;
  k;
  recent;
  mean = NaN;
  sd = NaN;
  /** Adds the next value; returns the middle band, NaN until `period` values are in. */
  add(value) {
    checkInputs("bbands", value);
    this.recent.push(value);
    return this.update();
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("bbands", value);
    this.recent.replace(value);
    return this.update();
  }
  get value() {
    return this.mean;
  }
  get middle() {
    return this.mean;
  }
  get lower() {
    return this.mean - this.k * this.sd;
  }
  get upper() {
    return this.mean + this.k * this.sd;
  }
  get isStable() {
    return this.recent.full;
  }
  update() {
    if (!this.recent.full) return this.mean = this.sd = NaN;
    [this.mean, this.sd] = meanSd(this.recent.oldestFirst());
    return this.mean;
  }
};

// src/features/roc.ts
function rocSeries(values, period2) {
  checkPeriod("roc.period", period2);
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = period2; i < values.length; i++) out[i] = rocOf(values[i], values[i - period2]);
  return out;
}
function rocOf(value, base) {
  return base === 0 ? NaN : (value / base - 1) * 100;
}
var Roc = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("roc.period", period2);
    this.ring = new Float64Array(period2 + 1);
  }
  period;
  ring;
  count = 0;
  last = NaN;
  /** Adds the next value; returns the ROC, NaN until period + 1 values are in. */
  add(value) {
    checkInputs("roc", value);
    this.ring[this.count % this.ring.length] = value;
    this.count++;
    return this.update(value);
  }
  /** Replaces the most recent value (a still-forming bar). */
  replace(value) {
    checkInputs("roc", value);
    if (this.count === 0) return this.add(value);
    this.ring[(this.count - 1) % this.ring.length] = value;
    return this.update(value);
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.count > this.period;
  }
  update(value) {
    const base = this.ring[this.count % this.ring.length];
    return this.last = this.count > this.period ? rocOf(value, base) : NaN;
  }
};

// src/features/cci.ts
function cciSeries(high, low, close, period2) {
  checkPeriod("cci.period", period2);
  const n = checkSameLength("cci", high, low, close);
  const tp = high.map((h2, i) => (h2 + low[i] + close[i]) / 3);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period2 - 1; i < n; i++) out[i] = cciOf(tp.subarray(i - period2 + 1, i + 1));
  return out;
}
function cciOf(tp) {
  const p = tp.length;
  let sum = 0;
  for (let j = 0; j < p; j++) sum += tp[j];
  const mean2 = sum / p;
  let dev = 0;
  for (let j = 0; j < p; j++) dev += Math.abs(tp[j] - mean2);
  const mad = dev / p;
  return mad === 0 ? 0 : (tp[p - 1] - mean2) / (0.015 * mad);
}
var Cci = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("cci.period", period2);
    this.recent = new RollingWindow(period2);
  }
  period;
  recent;
  last = NaN;
  /** Adds the next bar; returns the CCI, NaN until `period` bars are in. */
  add(high, low, close) {
    checkInputs("cci", high, low, close);
    this.recent.push((high + low + close) / 3);
    return this.update();
  }
  /** Replaces the most recent bar (a still-forming one). */
  replace(high, low, close) {
    checkInputs("cci", high, low, close);
    this.recent.replace((high + low + close) / 3);
    return this.update();
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.recent.full;
  }
  update() {
    return this.last = this.recent.full ? cciOf(this.recent.oldestFirst()) : NaN;
  }
};

// src/features/atr.ts
function trueRange(high, low, prevClose) {
  return Math.max(high, prevClose) - Math.min(low, prevClose);
}
function atrSeries(high, low, close, period2) {
  checkPeriod("atr.period", period2);
  const n = checkSameLength("atr", high, low, close);
  const out = new Float64Array(n).fill(NaN);
  if (n <= period2) return out;
  let sum = 0;
  for (let i = 1; i <= period2; i++) sum += trueRange(high[i], low[i], close[i - 1]);
  let atr = sum / period2;
  out[period2] = atr;
  for (let i = period2 + 1; i < n; i++) {
    atr = (atr * (period2 - 1) + trueRange(high[i], low[i], close[i - 1])) / period2;
    out[i] = atr;
  }
  return out;
}
var Atr = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("atr.period", period2);
  }
  period;
  before = { bars: 0, close: NaN, trSum: 0, atr: NaN };
  latest = this.before;
  /** Adds the next bar; returns the ATR, NaN until bar `period` (0-based). */
  add(high, low, close) {
    checkInputs("atr", high, low, close);
    this.before = this.latest;
    this.latest = this.step(high, low, close);
    return this.latest.atr;
  }
  /** Replaces the most recent bar (a still-forming bar). */
  replace(high, low, close) {
    checkInputs("atr", high, low, close);
    if (this.latest.bars === 0) return this.add(high, low, close);
    this.latest = this.step(high, low, close);
    return this.latest.atr;
  }
  get value() {
    return this.latest.atr;
  }
  get isStable() {
    return this.latest.bars > this.period;
  }
  step(high, low, close) {
    const { bars, close: prevClose, trSum, atr } = this.before;
    const p = this.period;
    if (bars === 0) return { bars: 1, close, trSum: 0, atr: NaN };
    const tr = trueRange(high, low, prevClose);
    if (bars < p) return { bars: bars + 1, close, trSum: trSum + tr, atr: NaN };
    const next = bars === p ? (trSum + tr) / p : (atr * (p - 1) + tr) / p;
    return { bars: bars + 1, close, trSum, atr: next };
  }
};

// src/features/adx.ts
function directionalMoves(high, low, prevHigh, prevLow) {
  const up = high - prevHigh;
  const down = prevLow - low;
  return [up > down && up > 0 ? up : 0, down > up && down > 0 ? down : 0];
}
function percentOf(part, whole) {
  return whole !== 0 ? 100 * part / whole : 0;
}
function adxSeries(high, low, close, period2) {
  checkPeriod("adx.period", period2);
  const n = checkSameLength("adx", high, low, close);
  const result = { adx: new Float64Array(n).fill(NaN), plusDI: new Float64Array(n).fill(NaN), minusDI: new Float64Array(n).fill(NaN) };
  let sTR = 0, sPlus = 0, sMinus = 0, dxSum = 0, adx = 0;
  for (let i = 1; i < n; i++) {
    const tr = trueRange(high[i], low[i], close[i - 1]);
    const [plusDM, minusDM] = directionalMoves(high[i], low[i], high[i - 1], low[i - 1]);
    if (i < period2) {
      sTR += tr;
      sPlus += plusDM;
      sMinus += minusDM;
      continue;
    }
    sTR = sTR - sTR / period2 + tr;
    sPlus = sPlus - sPlus / period2 + plusDM;
    sMinus = sMinus - sMinus / period2 + minusDM;
    const plusDI = percentOf(sPlus, sTR);
    const minusDI = percentOf(sMinus, sTR);
    result.plusDI[i] = plusDI;
    result.minusDI[i] = minusDI;
    const dx = percentOf(Math.abs(plusDI - minusDI), plusDI + minusDI);
    if (i < 2 * period2 - 1) {
      dxSum += dx;
      continue;
    }
    adx = i === 2 * period2 - 1 ? (dxSum + dx) / period2 : (adx * (period2 - 1) + dx) / period2;
    result.adx[i] = adx;
  }
  return result;
}
var Adx = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("adx.period", period2);
  }
  period;
  before = {
    bars: 0,
    high: NaN,
    low: NaN,
    close: NaN,
    sTR: 0,
    sPlus: 0,
    sMinus: 0,
    dxSum: 0,
    adx: NaN,
    plusDI: NaN,
    minusDI: NaN
  };
  latest = this.before;
  /** Adds the next bar; returns the ADX, NaN until bar 2*period - 1 (0-based). */
  add(high, low, close) {
    checkInputs("adx", high, low, close);
    this.before = this.latest;
    this.latest = this.step(high, low, close);
    return this.latest.adx;
  }
  /** Replaces the most recent bar (a still-forming bar). */
  replace(high, low, close) {
    checkInputs("adx", high, low, close);
    if (this.latest.bars === 0) return this.add(high, low, close);
    this.latest = this.step(high, low, close);
    return this.latest.adx;
  }
  get value() {
    return this.latest.adx;
  }
  get plusDI() {
    return this.latest.plusDI;
  }
  get minusDI() {
    return this.latest.minusDI;
  }
  /** True once ADX (and so both DIs) is defined. */
  get isStable() {
    return this.latest.bars >= 2 * this.period;
  }
  step(high, low, close) {
    const s = this.before;
    const p = this.period;
    const i = s.bars;
    const bar = { bars: i + 1, high, low, close };
    if (i === 0) return { ...s, ...bar };
    const tr = trueRange(high, low, s.close);
    const [plusDM, minusDM] = directionalMoves(high, low, s.high, s.low);
    if (i < p) return { ...s, ...bar, sTR: s.sTR + tr, sPlus: s.sPlus + plusDM, sMinus: s.sMinus + minusDM };
    const sTR = s.sTR - s.sTR / p + tr;
    const sPlus = s.sPlus - s.sPlus / p + plusDM;
    const sMinus = s.sMinus - s.sMinus / p + minusDM;
    const plusDI = percentOf(sPlus, sTR);
    const minusDI = percentOf(sMinus, sTR);
    const dx = percentOf(Math.abs(plusDI - minusDI), plusDI + minusDI);
    const sums = { ...bar, sTR, sPlus, sMinus, plusDI, minusDI };
    if (i < 2 * p - 1) return { ...sums, dxSum: s.dxSum + dx, adx: NaN };
    const adx = i === 2 * p - 1 ? (s.dxSum + dx) / p : (s.adx * (p - 1) + dx) / p;
    return { ...sums, dxSum: s.dxSum, adx };
  }
};

// src/features/stoch.ts
function fastK(close, highest, lowest) {
  return highest !== lowest ? 100 * (close - lowest) / (highest - lowest) : 0;
}
function mean(values, from, to) {
  let sum = 0;
  for (let j = from; j < to; j++) sum += values[j];
  return sum / (to - from);
}
function checkStoch(kPeriod, kSlow, dPeriod) {
  checkPeriod("stoch.kPeriod", kPeriod);
  checkPeriod("stoch.kSlow", kSlow);
  checkPeriod("stoch.dPeriod", dPeriod);
}
function stochSeries(high, low, close, kPeriod, kSlow, dPeriod) {
  checkStoch(kPeriod, kSlow, dPeriod);
  const n = checkSameLength("stoch", high, low, close);
  const fast = new Float64Array(n).fill(NaN);
  for (let i = kPeriod - 1; i < n; i++) {
    let highest = -Infinity, lowest = Infinity;
    for (let j = i - kPeriod + 1; j <= i; j++) {
      highest = Math.max(highest, high[j]);
      lowest = Math.min(lowest, low[j]);
    }
    fast[i] = fastK(close[i], highest, lowest);
  }
  const k = new Float64Array(n).fill(NaN);
  for (let i = kPeriod + kSlow - 2; i < n; i++) k[i] = mean(fast, i - kSlow + 1, i + 1);
  const d = new Float64Array(n).fill(NaN);
  for (let i = kPeriod + kSlow + dPeriod - 3; i < n; i++) d[i] = mean(k, i - dPeriod + 1, i + 1);
  return { k, d };
}
var MonotonicDeque = class {
  constructor(sign) {
    this.sign = sign;
  }
  sign;
  bars = [];
  values = [];
  head = 0;
  push(bar, value) {
    while (this.values.length > this.head && this.sign * this.values[this.values.length - 1] <= this.sign * value) {
      this.bars.pop();
      this.values.pop();
    }
    this.bars.push(bar);
    this.values.push(value);
  }
  /** Drops entries older than `bar`. */
  evictBefore(bar) {
    while (this.head < this.bars.length && this.bars[this.head] < bar) this.head++;
    if (this.head > 1024 && this.head * 2 > this.bars.length) {
      this.bars = this.bars.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }
  /** The extreme, or `empty` when the deque is empty. */
  front(empty) {
    return this.head < this.values.length ? this.values[this.head] : empty;
  }
};
var HighLowWindow = class {
  constructor(period2) {
    this.period = period2;
  }
  period;
  highs = new MonotonicDeque(1);
  lows = new MonotonicDeque(-1);
  bars = 0;
  high = NaN;
  low = NaN;
  add(high, low) {
    if (this.bars > 0) {
      this.highs.push(this.bars - 1, this.high);
      this.lows.push(this.bars - 1, this.low);
    }
    this.bars++;
    this.highs.evictBefore(this.bars - this.period);
    this.lows.evictBefore(this.bars - this.period);
    this.high = high;
    this.low = low;
  }
  /** Revises the latest bar; call add() first. */
  replace(high, low) {
    this.high = high;
    this.low = low;
  }
  get full() {
    return this.bars >= this.period;
  }
  get highest() {
    return Math.max(this.highs.front(-Infinity), this.high);
  }
  get lowest() {
    return Math.min(this.lows.front(Infinity), this.low);
  }
};
var RecentValues = class {
  constructor(size) {
    this.size = size;
    this.ring = new Float64Array(size);
  }
  size;
  ring;
  count = 0;
  add(value) {
    this.ring[this.count % this.size] = value;
    this.count++;
  }
  replace(value) {
    this.ring[(this.count - 1) % this.size] = value;
  }
  /** Mean in series order, or NaN before `size` values are in. */
  mean() {
    if (this.count < this.size) return NaN;
    let sum = 0;
    for (let j = this.count - this.size; j < this.count; j++) sum += this.ring[j % this.size];
    return sum / this.size;
  }
};
var Stoch = class {
  constructor(kPeriod, kSlow, dPeriod) {
    this.kPeriod = kPeriod;
    this.kSlow = kSlow;
    this.dPeriod = dPeriod;
    checkStoch(kPeriod, kSlow, dPeriod);
    this.ring = new HighLowWindow(kPeriod);
    this.fast = new RecentValues(kSlow);
    this.slow = new RecentValues(dPeriod);
  }
  kPeriod;
  kSlow;
  dPeriod;
  ring;
  fast;
  slow;
  bars = 0;
  lastK = NaN;
  lastD = NaN;
  /** Adds the next bar; returns slow %K, NaN until its window is full. */
  add(high, low, close) {
    checkInputs("stoch", high, low, close);
    this.bars++;
    this.ring.add(high, low);
    return this.update(close, false);
  }
  /** Replaces the most recent bar (a still-forming bar). */
  replace(high, low, close) {
    checkInputs("stoch", high, low, close);
    if (this.bars === 0) return this.add(high, low, close);
    this.ring.replace(high, low);
    return this.update(close, true);
  }
  get value() {
    return this.lastK;
  }
  get k() {
    return this.lastK;
  }
  get d() {
    return this.lastD;
  }
  /** True once d (and so k) is defined. */
  get isStable() {
    return this.bars >= this.kPeriod + this.kSlow + this.dPeriod - 2;
  }
  /** Computes the latest bar; a revision overwrites what that bar added to the smoothing windows. */
  update(close, revise) {
    const bar = this.bars - 1;
    if (bar < this.kPeriod - 1) return this.lastK;
    const fk = fastK(close, this.ring.highest, this.ring.lowest);
    if (revise) this.fast.replace(fk);
    else this.fast.add(fk);
    this.lastK = this.fast.mean();
    if (bar >= this.kPeriod + this.kSlow - 2) {
      if (revise) this.slow.replace(this.lastK);
      else this.slow.add(this.lastK);
    }
    this.lastD = this.slow.mean();
    return this.lastK;
  }
};

// src/features/obv.ts
function obvSeries(close, volume) {
  const n = checkSameLength("obv", close, volume);
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = volume[0];
  for (let i = 1; i < n; i++) out[i] = out[i - 1] + Math.sign(close[i] - close[i - 1]) * volume[i];
  return out;
}
var Obv = class {
  bars = 0;
  /** OBV and close before the latest bar. */
  totalBefore = 0;
  closeBefore = NaN;
  total = NaN;
  close = NaN;
  /** Adds the next bar; returns the OBV. */
  add(close, volume) {
    checkInputs("obv", close, volume);
    this.totalBefore = this.total;
    this.closeBefore = this.close;
    this.bars++;
    return this.update(close, volume);
  }
  /** Replaces the most recent bar (a still-forming bar). */
  replace(close, volume) {
    checkInputs("obv", close, volume);
    return this.bars === 0 ? this.add(close, volume) : this.update(close, volume);
  }
  get value() {
    return this.total;
  }
  get isStable() {
    return this.bars > 0;
  }
  update(close, volume) {
    this.close = close;
    if (this.bars === 1) this.total = volume;
    else if (close > this.closeBefore) this.total = this.totalBefore + volume;
    else if (close < this.closeBefore) this.total = this.totalBefore - volume;
    else this.total = this.totalBefore;
    return this.total;
  }
};

// src/features/vwap.ts
function vwapSeries(price, volume, period2) {
  checkPeriod("vwap.period", period2);
  const n = checkSameLength("vwap", price, volume);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period2 - 1; i < n; i++) {
    let pv = 0, vol = 0;
    for (let j = i - period2 + 1; j <= i; j++) {
      pv += price[j] * volume[j];
      vol += volume[j];
    }
    out[i] = vol !== 0 ? pv / vol : NaN;
  }
  return out;
}
var Vwap = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("vwap.period", period2);
    this.prices = new Float64Array(period2);
    this.volumes = new Float64Array(period2);
  }
  period;
  prices;
  volumes;
  bars = 0;
  pv = 0;
  vol = 0;
  /** Bars with nonzero volume, exact, so an idle window is NaN despite rounding residue in `vol`. */
  traded = 0;
  last = NaN;
  /** Adds the next bar; returns the VWAP, NaN until `period` bars are in. */
  add(price, volume) {
    checkInputs("vwap", price, volume);
    const slot = this.bars % this.period;
    if (this.bars > 0) {
      const latest = (this.bars - 1) % this.period;
      this.pv = this.pv - this.prices[slot] * this.volumes[slot] + this.prices[latest] * this.volumes[latest];
      this.vol = this.vol - this.volumes[slot] + this.volumes[latest];
      this.traded += Number(this.volumes[latest] !== 0) - Number(this.volumes[slot] !== 0);
    }
    this.bars++;
    if (this.bars % 4096 === 0) this.resum();
    return this.put(slot, price, volume);
  }
  /** Replaces the most recent bar (a still-forming bar). */
  replace(price, volume) {
    checkInputs("vwap", price, volume);
    return this.bars === 0 ? this.add(price, volume) : this.put((this.bars - 1) % this.period, price, volume);
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.bars >= this.period;
  }
  put(slot, price, volume) {
    this.prices[slot] = price;
    this.volumes[slot] = volume;
    const traded = this.traded + Number(volume !== 0);
    this.last = this.bars >= this.period && traded > 0 ? (this.pv + price * volume) / (this.vol + volume) : NaN;
    return this.last;
  }
  /** Re-adds the sums over the window's bars before the latest one, which is in slot (bars - 1) % period. */
  resum() {
    this.pv = 0;
    this.vol = 0;
    for (let age = Math.min(this.period, this.bars) - 1; age >= 1; age--) {
      const slot = (this.bars - 1 - age) % this.period;
      this.pv += this.prices[slot] * this.volumes[slot];
      this.vol += this.volumes[slot];
    }
  }
};

// src/features/willr.ts
function williams(close, highest, lowest) {
  return highest !== lowest ? -100 * (highest - close) / (highest - lowest) : 0;
}
function willrSeries(high, low, close, period2) {
  checkPeriod("willr.period", period2);
  const n = checkSameLength("willr", high, low, close);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period2 - 1; i < n; i++) {
    let highest = -Infinity, lowest = Infinity;
    for (let j = i - period2 + 1; j <= i; j++) {
      highest = Math.max(highest, high[j]);
      lowest = Math.min(lowest, low[j]);
    }
    out[i] = williams(close[i], highest, lowest);
  }
  return out;
}
var Willr = class {
  constructor(period2) {
    this.period = period2;
    checkPeriod("willr.period", period2);
    this.ring = new HighLowWindow(period2);
  }
  period;
  ring;
  bars = 0;
  last = NaN;
  /** Adds the next bar; returns %R, NaN until `period` bars are in. */
  add(high, low, close) {
    checkInputs("willr", high, low, close);
    this.bars++;
    this.ring.add(high, low);
    return this.update(close);
  }
  /** Replaces the most recent bar (a still-forming bar). */
  replace(high, low, close) {
    checkInputs("willr", high, low, close);
    if (this.bars === 0) return this.add(high, low, close);
    this.ring.replace(high, low);
    return this.update(close);
  }
  get value() {
    return this.last;
  }
  get isStable() {
    return this.bars >= this.period;
  }
  update(close) {
    this.last = this.ring.full ? williams(close, this.ring.highest, this.ring.lowest) : NaN;
    return this.last;
  }
};

// src/features/registry.ts
var MAX_PERIOD = 1e5;
var MAX_BAND_WIDTH = 10;
var INPUT_COLUMNS = {
  close: ["close"],
  "high-low-close": ["high", "low", "close"],
  "close-volume": ["close", "volume"]
};
function entry(e) {
  return { ...e, outputs: e.outputs };
}
var period = (name, value) => ({ name, type: "integer", default: value, min: 1, max: MAX_PERIOD, description: `${name} in bars` });
var INDICATORS = [
  entry({ name: "sma", inputs: "close", params: [period("period", 20)], twin: smaSeries, kernel: { export: "sma" }, streaming: Sma }),
  entry({ name: "ema", inputs: "close", params: [period("period", 20)], twin: emaSeries, kernel: { export: "ema", propagates: true }, streaming: Ema }),
  entry({ name: "wma", inputs: "close", params: [period("period", 20)], twin: wmaSeries, kernel: { export: "wma" }, streaming: Wma }),
  entry({ name: "rsi", inputs: "close", params: [period("period", 14)], twin: rsiSeries, kernel: { export: "rsi", propagates: true }, streaming: Rsi }),
  entry({
    name: "macd",
    inputs: "close",
    params: [period("fast", 12), period("slow", 26), period("signal", 9)],
    outputs: ["macd", "signal", "hist"],
    twin: macdSeries,
    kernel: { export: "macd" },
    streaming: Macd,
    check: ([f, s, g]) => checkMacd(f, s, g)
  }),
  entry({
    name: "bbands",
    inputs: "close",
    params: [period("period", 20), { name: "k", type: "number", default: 2, min: 0, max: MAX_BAND_WIDTH, description: "band half-width in standard deviations" }],
    outputs: ["lower", "middle", "upper"],
    twin: bbandsSeries,
    kernel: { export: "bbands" },
    streaming: Bbands
  }),
  entry({ name: "atr", inputs: "high-low-close", params: [period("period", 14)], twin: atrSeries, kernel: { export: "atr" }, streaming: Atr }),
  entry({
    name: "adx",
    inputs: "high-low-close",
    params: [period("period", 14)],
    outputs: ["adx", "plusDI", "minusDI"],
    twin: adxSeries,
    kernel: { export: "adx" },
    streaming: Adx
  }),
  entry({
    name: "stoch",
    inputs: "high-low-close",
    params: [period("kPeriod", 14), period("kSlow", 3), period("dPeriod", 3)],
    outputs: ["k", "d"],
    // Scratch: two deques of i32 bar indices (8n bytes).
    twin: stochSeries,
    kernel: { export: "stoch", scratch: 1 },
    streaming: Stoch
  }),
  entry({ name: "obv", inputs: "close-volume", params: [], twin: obvSeries, kernel: { export: "obv" }, streaming: Obv }),
  // TTR's VWAP weights the close.
  entry({ name: "vwap", inputs: "close-volume", params: [period("period", 20)], twin: vwapSeries, kernel: { export: "vwap" }, streaming: Vwap }),
  entry({ name: "cci", inputs: "high-low-close", params: [period("period", 20)], twin: cciSeries, kernel: { export: "cci" }, streaming: Cci }),
  // Scratch: the rolling highest high (n values) and two deques (8n bytes).
  entry({ name: "willr", inputs: "high-low-close", params: [period("period", 14)], twin: willrSeries, kernel: { export: "willr", scratch: 2 }, streaming: Willr }),
  entry({ name: "roc", inputs: "close", params: [period("period", 10)], twin: rocSeries, kernel: { export: "roc" }, streaming: Roc })
];

// src/kernels/indicators.ts
var slotsOf = (e) => INPUT_COLUMNS[e.inputs].length + (e.outputs?.length ?? 1) + (e.kernel.scratch ?? 0);
var SLOTS = Math.max(...INDICATORS.map(slotsOf));

// test/helpers.ts
var root = new URL("../", import.meta.url).pathname;
function wasmBytes(name) {
  return readFileSync(`${root}build/${name}.wasm`);
}

// test/memory/data.ts
var wasm;
function wasmHnsw() {
  return wasm ??= WasmHnsw.load(wasmBytes("memory"));
}

// test/hb.tmp.ts
var N = Number(process.argv[2]);
var D = 64;
var Q = 500;
var M = 16;
var EFC = Number(process.argv[3] ?? 200);
var rng = new Random(1);
var data = Array.from({ length: N }, () => Float32Array.from({ length: D }, () => rng.normal()));
var queries = Array.from({ length: Q }, () => Float32Array.from({ length: D }, () => rng.normal()));
var t = performance.now();
var idx = new VectorIndex({ dimension: D, metric: "l2", M, efConstruction: EFC, backend: await wasmHnsw() });
data.forEach((v, i) => idx.add(i, v));
console.log("ours build s", ((performance.now() - t) / 1e3).toFixed(1));
var truth = queries.map((q) => idx.exactSearch(q, 10).map((h2) => h2.id));
var { HierarchicalNSW } = (await import("hnswlib-node")).default;
t = performance.now();
var h = new HierarchicalNSW("l2", D);
h.initIndex(N, M, EFC, 42);
data.forEach((v, i) => h.addPoint(Array.from(v), i));
console.log("hnswlib build s", ((performance.now() - t) / 1e3).toFixed(1));
for (const ef of (process.argv[4] ?? "64,128").split(",").map(Number)) {
  idx.efSearch = ef;
  h.setEf(ef);
  for (const [name, f] of [["ours", (q) => idx.search(q, 10).map((x) => x.id)], ["hnswlib", (q) => h.searchKnn(Array.from(q), 10).neighbors]]) {
    let hit = 0;
    const lat = [];
    for (let r = 0; r < 2; r++) queries.forEach((q, i) => {
      const a = performance.now();
      const got = f(q);
      lat.push(performance.now() - a);
      if (r) {
        const s = new Set(truth[i]);
        hit += got.filter((x) => s.has(x)).length;
      }
    });
    lat.sort((a, b) => a - b);
    console.log(name, "ef", ef, "recall", (hit / (Q * 10)).toFixed(4), "p50", lat[lat.length >> 1].toFixed(4), "p99", lat[Math.floor(lat.length * 0.99)].toFixed(4));
  }
}
