import { crc32 } from "../core/crc32.ts";
import { EngineError, shown } from "../core/errors.ts";
import { settingProblem } from "../core/settings.ts";
import {
  DIMENSION_SETTING, EF_CONSTRUCTION_SETTING, EF_SEARCH_SETTING, M_SETTING, METRICS, SEED_SETTING,
  type Metadata, type Metric, type VectorId,
} from "./params.ts";

/**
 * A vector index file, version 1. Little-endian throughout.
 *
 *     header (64 bytes; its layout up to the version, and the CRC at 60, stays in every version)
 *       0  "NTVX"             magic
 *       4  u32 version        1
 *       8  u32 metric         0 l2, 1 cosine, 2 ip
 *      12  u32 dimension      16 u32 M      20 u32 efConstruction   24 u32 efSearch
 *      28  u32 seed           32 u32 count (vectors stored, removed ones included)
 *      36  u32 draws (level draws made)    40 i32 entry node    44 i32 top level
 *      48  u32 pool words     52 u32 JSON bytes    56 u32 zero
 *      60  u32 CRC-32 of bytes 0..59
 *     body
 *       vectors   count x dimension f32 (cosine: unit vectors)
 *       levels    count i32
 *       links0    count x (1 + 2M) i32: per node its level-0 link count, then the links
 *       upper     count i32: where the node's upper-level lists start in the pool, -1 for none
 *       pool      pool words i32: per upper level of a node, M + 1 words as in links0
 *       deleted   count u8 (1 = removed), zero padded to a multiple of 4
 *       JSON      UTF-8 {"ids": [...], "metadata": [object or null, ...]}, one entry per node
 *     CRC-32 of the body (u32)
 *
 * A reader checks the magic, the header's CRC, the version, the length the
 * header implies, the body's CRC, then that the graph is well formed, and
 * names the first problem in an IndexFileError.
 */
const MAGIC = [0x4e, 0x54, 0x56, 0x58];
export const INDEX_FILE_VERSION = 1;
const HEADER_BYTES = 64;

/** The index's whole state as stored. */
export interface IndexSnapshot {
  readonly metric: Metric;
  readonly dimension: number;
  readonly M: number;
  readonly efConstruction: number;
  readonly efSearch: number;
  readonly seed: number;
  readonly draws: number;
  readonly entry: number;
  readonly maxLevel: number;
  readonly vectors: Float32Array;
  readonly levels: Int32Array;
  readonly links0: Int32Array;
  readonly upper: Int32Array;
  readonly pool: Int32Array;
  readonly deleted: Uint8Array;
  readonly ids: readonly VectorId[];
  readonly metadata: readonly (Metadata | undefined)[];
}

/** What is wrong with a file: cut short, not an index, too new, damaged, or inconsistent though its checksums hold. */
export type IndexFileProblem = "truncated" | "magic" | "version" | "checksum" | "invalid";

export class IndexFileError extends EngineError {
  readonly code = "index_file";
  constructor(readonly problem: IndexFileProblem, message: string, source?: string) {
    super(message, { source });
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function checkHost(): void {
  if (!LITTLE_ENDIAN) throw new Error("vector index files are read and written through little-endian typed arrays; this host is big-endian");
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

export function encodeIndex(s: IndexSnapshot): Uint8Array {
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
    INDEX_FILE_VERSION, METRICS.indexOf(s.metric), s.dimension, s.M, s.efConstruction, s.efSearch, s.seed, count, s.draws,
    s.entry, s.maxLevel, s.pool.length, json.length, 0,
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

/** The snapshot in a file; an IndexFileError (with the file's name when given) for anything amiss. */
export function decodeIndex(bytes: Uint8Array, source?: string): IndexSnapshot {
  checkHost();
  const fail = (problem: IndexFileProblem, message: string) => new IndexFileError(problem, message, source);
  if (bytes.length >= 4 && MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail("magic", `not a vector index file: it starts with ${hex(bytes.subarray(0, 4))}, not "NTVX"`);
  }
  if (bytes.length < HEADER_BYTES + 4) throw fail("truncated", `truncated: ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header and a checksum`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  if (crc32(bytes.subarray(0, 60)) !== u32(60)) throw fail("checksum", "the header is damaged (its CRC-32 does not match)");
  const version = u32(4);
  if (version > INDEX_FILE_VERSION) {
    throw fail("version", `file format version ${version} is newer than this reader's (${INDEX_FILE_VERSION}); upgrade to read it`);
  }
  if (version < 1) throw fail("invalid", `file format version ${version} does not exist`);

  const metricCode = u32(8);
  const [dimension, M, efConstruction, efSearch, seed, count, draws] = [12, 16, 20, 24, 28, 32, 36].map(u32);
  const entry = view.getInt32(40, true);
  const maxLevel = view.getInt32(44, true);
  const poolWords = u32(48);
  const jsonBytes = u32(52);
  const invalid = (message: string) => fail("invalid", message);
  if (metricCode >= METRICS.length) throw invalid(`metric code ${metricCode} is not 0 (l2), 1 (cosine) or 2 (ip)`);
  for (const [spec, value] of [[DIMENSION_SETTING, dimension], [M_SETTING, M], [EF_CONSTRUCTION_SETTING, efConstruction], [EF_SEARCH_SETTING, efSearch], [SEED_SETTING, seed]] as const) {
    const problem = settingProblem(spec, value);
    if (problem !== null) throw invalid(`header: ${spec.name} ${problem}`);
  }

  const words0 = 1 + 2 * M;
  const lengths = [count * dimension * 4, count * 4, count * words0 * 4, count * 4, poolWords * 4, pad4(count), jsonBytes];
  const expected = HEADER_BYTES + lengths.reduce((a, b) => a + b, 0) + 4;
  if (bytes.length < expected) throw fail("truncated", `truncated: ${bytes.length} bytes of the ${expected} its header describes`);
  if (bytes.length > expected) throw invalid(`${bytes.length - expected} bytes follow the ${expected} its header describes`);
  if (crc32(bytes.subarray(HEADER_BYTES, expected - 4)) !== u32(expected - 4)) {
    throw fail("checksum", "the body is damaged (its CRC-32 does not match)");
  }

  let at = HEADER_BYTES;
  // A copy at offset 0 of its own buffer, aligned for the typed views (a Node Buffer's slice() would be a view).
  const section = (i: number) => {
    const copy = new Uint8Array(bytes.subarray(at, at + lengths[i]));
    at += lengths[i];
    return copy;
  };
  const vectors = new Float32Array(section(0).buffer);
  const levels = new Int32Array(section(1).buffer);
  const links0 = new Int32Array(section(2).buffer);
  const upper = new Int32Array(section(3).buffer);
  const pool = new Int32Array(section(4).buffer);
  const deleted = section(5).subarray(0, count);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(section(6)));
  } catch (e) {
    throw invalid(`the ids and metadata are not JSON: ${(e as Error).message}`);
  }
  const { ids, metadata } = checkJson(parsed, count, invalid);
  const snapshot: IndexSnapshot = {
    metric: METRICS[metricCode], dimension, M, efConstruction, efSearch, seed, draws, entry, maxLevel,
    vectors, levels, links0, upper, pool, deleted, ids, metadata,
  };
  checkGraph(snapshot, invalid);
  return snapshot;
}

function checkJson(parsed: unknown, count: number, invalid: (m: string) => Error): { ids: VectorId[]; metadata: (Metadata | undefined)[] } {
  const o = parsed as { ids?: unknown; metadata?: unknown };
  if (typeof o !== "object" || o === null || !Array.isArray(o.ids) || !Array.isArray(o.metadata)) {
    throw invalid("the JSON section must be an object with arrays \"ids\" and \"metadata\"");
  }
  if (o.ids.length !== count || o.metadata.length !== count) {
    throw invalid(`the JSON section lists ${o.ids.length} ids and ${o.metadata.length} metadata entries for ${count} vectors`);
  }
  const ids = o.ids.map((id, i) => {
    if (typeof id === "string" || (typeof id === "number" && Number.isFinite(id))) return id as VectorId;
    throw invalid(`ids[${i}] must be a string or a number, got ${shown(id)}`);
  });
  const metadata = o.metadata.map((m, i) => {
    if (m === null) return undefined;
    if (typeof m === "object" && !Array.isArray(m)) return m as Metadata;
    throw invalid(`metadata[${i}] must be an object or null, got ${shown(m)}`);
  });
  return { ids, metadata };
}

/** Every link, level and flag in range, so a search never reads outside the graph. */
function checkGraph(s: IndexSnapshot, invalid: (m: string) => Error): void {
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
  // A link on level l must lead to a node that has level l.
  const checkList = (list: Int32Array, node: number, level: number, cap: number) => {
    const n = list[0];
    if (!(n >= 0 && n <= cap)) throw invalid(`node ${node}: level ${level} has ${n} links; at most ${cap} fit`);
    for (let j = 1; j <= n; j++) {
      const to = list[j];
      if (!(to >= 0 && to < count) || to === node || s.levels[to] < level) {
        throw invalid(`node ${node}: level ${level} links to ${to}, not another of the ${count} nodes on that level`);
      }
    }
  };
  const live = new Set<VectorId>();
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

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
