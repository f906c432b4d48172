import { EngineError } from "../core/errors.ts";

/** A weights file that is truncated, corrupt, or does not fit the model it claims. */
export class WeightsError extends EngineError { readonly code = "weights"; }

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Headers above this size are refused (as the reference implementation does) rather than parsed. */
const MAX_HEADER = 100_000_000;

/**
 * The safetensors format: u64 little-endian header length N, N bytes of UTF-8
 * JSON {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {string: string}},
 * then the raw little-endian data (offsets relative to its start). Only F32
 * is written and read. The header is padded with spaces to a multiple of 8.
 */
export function encodeSafetensors(tensors: Map<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    if (t.shape.reduce((a, b) => a * b, 1) !== t.data.length) {
      throw new WeightsError(`tensor has shape [${t.shape}] but ${t.data.length} values`, { field: name });
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  json = Uint8Array.from({ length: padded }, (_, i) => (i < json.length ? json[i] : 0x20));
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  out.set(json, 8);
  let p = 8 + padded;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, p += 4) view.setFloat32(p, t.data[i], true);
  }
  return out;
}

/** Reads and validates a safetensors file; every problem is a WeightsError naming what is wrong. */
export function decodeSafetensors(bytes: Uint8Array, source?: string): Safetensors {
  const fail = (message: string, field?: string): never => {
    throw new WeightsError(message, { source, field });
  };
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const high = view.getUint32(4, true);
  const n = view.getUint32(0, true) + high * 2 ** 32;
  if (n > bytes.length - 8) fail(`the header length ${n} runs past the end of the file (${bytes.length} bytes): truncated or not safetensors`);
  if (n > MAX_HEADER) fail(`the header length ${n} is over the ${MAX_HEADER}-byte limit`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) return fail("the header is not a JSON object");

  const metadata: Record<string, string> = {};
  const meta = header.__metadata__;
  if (meta !== undefined) {
    if (!isObject(meta)) fail("__metadata__ is not an object of strings", "__metadata__");
    for (const [k, v] of Object.entries(meta as object)) {
      if (typeof v !== "string") fail(`__metadata__ value for "${k}" is not a string`, `__metadata__.${k}`);
      metadata[k] = v;
    }
  }

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (!isObject(entry)) return fail("the tensor entry is not an object", name);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== "F32") fail(`dtype ${JSON.stringify(dtype)} is not supported: only F32`, name);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`, name);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      fail(`data_offsets ${JSON.stringify(offsets)} is not [begin, end] with 0 <= begin <= end`, name);
    }
    const [begin, end] = offsets as number[];
    if (end > dataLength) fail(`data_offsets [${begin}, ${end}] run past the ${dataLength} data bytes: the file is truncated or the offsets are wrong`, name);
    const needed = (shape as number[]).reduce((a, b) => a * b, 1) * 4;
    if (end - begin !== needed) fail(`data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape}] of F32 needs ${needed}`, name);
    entries.push({ name, shape: shape as number[], begin, end });
  }

  // The tensors must tile the data exactly: no overlap, no gap, nothing left over.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = "";
  for (const e of entries) {
    if (e.begin < covered) fail(`data_offsets [${e.begin}, ${e.end}] overlap tensor "${previous}"`, e.name);
    if (e.begin > covered) fail(`bytes ${covered}..${e.begin} of the data belong to no tensor`, e.name);
    covered = e.end;
    previous = e.name;
  }
  if (covered !== dataLength) fail(`the data has ${dataLength - covered} bytes after the last tensor`);

  const tensors = new Map<string, Tensor>();
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const data = new Float32Array((e.end - e.begin) / 4);
    for (let i = 0, p = dataStart + e.begin; i < data.length; i++, p += 4) data[i] = view.getFloat32(p, true);
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}
