import { ConfigError, shown } from "../core/errors.ts";
import { detectDelimiter, lineTooLong, MAX_LINE_CHARS, type Delimiter, type TextChunkParser } from "../data/csv-dialect.ts";
import { splitCsvLine } from "../data/returns-csv.ts";
import type { Metadata, Metric, VectorId } from "./params.ts";
import type { VectorIndex } from "./vector-index.ts";

/**
 * Vectors in and out of an index as text: `nt memory import` reads CSV or
 * JSON, `nt memory export` writes JSON.
 *
 * JSON: an array of items {"id", "vector": [numbers], "metadata"?: {...}},
 * or what export writes, {"format": "nt-vectors", "index": {dimension,
 * metric, M, efConstruction, efSearch, seed}, "items": [...]}.
 *
 * CSV: a header with the columns id and vector (metadata optional, any
 * order, any case); a vector cell is a JSON array or numbers separated by
 * spaces, or by commas or semicolons inside a quoted cell; a metadata cell
 * is a JSON object or empty. Ids are text in CSV.
 */
export interface VectorItem {
  readonly id: VectorId;
  readonly vector: number[];
  readonly metadata?: Metadata;
}

/** An index's parameters as export writes them. */
export interface IndexParams {
  readonly dimension: number;
  readonly metric: Metric;
  readonly M: number;
  readonly efConstruction: number;
  readonly efSearch: number;
  readonly seed: number;
}

export interface VectorItems {
  readonly items: VectorItem[];
  /** The parameters of the index the items were exported from, when the file says. */
  readonly index?: IndexParams;
}

const FORMAT = "nt-vectors";

/** Reads the vector cell of a CSV row or a JSON item's vector. */
function vectorFrom(value: unknown, where: { source: string; row?: number; field: string }): number[] {
  let numbers: unknown[];
  if (Array.isArray(value)) numbers = value;
  else if (typeof value === "string") {
    const text = value.trim();
    if (text.startsWith("[")) {
      try {
        numbers = JSON.parse(text);
      } catch {
        throw new ConfigError(`${where.field} ${shown(text)} is not a JSON array of numbers`, where);
      }
      if (!Array.isArray(numbers)) throw new ConfigError(`${where.field} must be an array of numbers`, where);
    } else {
      numbers = text === "" ? [] : text.split(/[\s,;]+/).map((t) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t));
    }
  } else {
    throw new ConfigError(`${where.field} must be an array of numbers, got ${shown(value)}`, where);
  }
  if (numbers.length === 0) throw new ConfigError(`${where.field} is empty`, where);
  numbers.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new ConfigError(`${where.field}[${i}] must be a finite number, got ${shown(x)}`, where);
  });
  return numbers as number[];
}

function metadataFrom(value: unknown, where: { source: string; row?: number; field: string }): Metadata | undefined {
  let m = value;
  if (typeof value === "string") {
    if (value.trim() === "") return undefined;
    try {
      m = JSON.parse(value);
    } catch {
      throw new ConfigError(`${where.field} ${shown(value)} is not JSON`, where);
    }
  }
  if (m === undefined || m === null) return undefined;
  if (typeof m !== "object" || Array.isArray(m)) throw new ConfigError(`${where.field} must be a JSON object, got ${shown(m)}`, where);
  return m as Metadata;
}

/** CSV of id, vector[, metadata], read line by line. */
export class VectorsCsvParser implements TextChunkParser<VectorItems> {
  private carry = "";
  private header: { delimiter: Delimiter; id: number; vector: number; metadata: number; width: number } | null = null;
  private row = 0;
  private readonly items: VectorItem[] = [];

  constructor(private readonly source: string) {}

  push(chunk: string): void {
    const text = this.carry + chunk;
    const lines = text.split("\n");
    this.carry = lines.pop()!;
    if (this.carry.length > MAX_LINE_CHARS) throw new ConfigError(lineTooLong(), { source: this.source, row: this.row + 1 });
    for (const line of lines) this.line(line);
  }

  finish(): VectorItems {
    if (this.carry !== "") this.line(this.carry);
    this.carry = "";
    if (this.header === null) throw new ConfigError("is empty; expected a header with the columns id,vector[,metadata]", { source: this.source });
    return { items: this.items };
  }

  private line(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (this.header === null) {
      const text = line.replace(/^\uFEFF/, "");
      if (text.trim() === "") return;
      const delimiter = detectDelimiter(text);
      const names = splitCsvLine(text, delimiter).map((n) => n.trim().toLowerCase());
      const [id, vector, metadata] = ["id", "vector", "metadata"].map((n) => names.indexOf(n));
      if (id < 0 || vector < 0) {
        throw new ConfigError(`the header must name the columns id and vector (and optionally metadata), got ${shown(text)}`, { source: this.source });
      }
      this.header = { delimiter, id, vector, metadata, width: names.length };
      return;
    }
    if (line.trim() === "") return;
    this.row++;
    const h = this.header;
    const cells = splitCsvLine(line, h.delimiter);
    const where = { source: this.source, row: this.row };
    if (cells.length !== h.width) throw new ConfigError(`has ${cells.length} cells; the header has ${h.width}`, where);
    const id = cells[h.id].trim();
    if (id === "") throw new ConfigError("id is empty", { ...where, field: "id" });
    const vector = vectorFrom(cells[h.vector], { ...where, field: "vector" });
    const metadata = h.metadata < 0 ? undefined : metadataFrom(cells[h.metadata], { ...where, field: "metadata" });
    this.items.push(metadata === undefined ? { id, vector } : { id, vector, metadata });
  }
}

/** JSON as export writes it, or a bare array of items; the whole text is parsed at the end. */
export class VectorsJsonParser implements TextChunkParser<VectorItems> {
  private readonly chunks: string[] = [];

  constructor(private readonly source: string) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
  }

  finish(): VectorItems {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.chunks.join(""));
    } catch (e) {
      throw new ConfigError(`is not JSON: ${(e as Error).message}`, { source: this.source });
    }
    const o = parsed as { format?: unknown; index?: unknown; items?: unknown };
    const list = Array.isArray(parsed) ? parsed : o !== null && typeof o === "object" && o.format === FORMAT ? o.items : undefined;
    if (!Array.isArray(list)) {
      throw new ConfigError(`must be an array of {"id", "vector", "metadata"} items or an "${FORMAT}" export`, { source: this.source });
    }
    const items = list.map((item, i): VectorItem => {
      const field = `items[${i}]`;
      if (item === null || typeof item !== "object" || Array.isArray(item)) throw new ConfigError(`${field} must be an object`, { source: this.source, field });
      const { id, vector, metadata } = item as Record<string, unknown>;
      if (!(typeof id === "string" || (typeof id === "number" && Number.isFinite(id)))) {
        throw new ConfigError(`${field}.id must be a string or a number, got ${shown(id)}`, { source: this.source, field: `${field}.id` });
      }
      const v = vectorFrom(vector, { source: this.source, field: `${field}.vector` });
      const m = metadataFrom(metadata, { source: this.source, field: `${field}.metadata` });
      return m === undefined ? { id, vector: v } : { id, vector: v, metadata: m };
    });
    return Array.isArray(parsed) ? { items } : { items, index: o.index as IndexParams };
  }
}

/** The export document in pieces (one per item), to be written one after another. */
export function* exportChunks(index: VectorIndex): Generator<string> {
  const params: IndexParams = {
    dimension: index.dimension, metric: index.metric, M: index.M, efConstruction: index.efConstruction, efSearch: index.efSearch, seed: index.seed,
  };
  yield `{"format":"${FORMAT}","index":${JSON.stringify(params)},"items":[`;
  let first = true;
  for (const { id, vector, metadata } of index.entries()) {
    const item = { id, vector: Array.from(vector), ...(metadata === undefined ? {} : { metadata }) };
    yield `${first ? "" : ","}\n${JSON.stringify(item)}`;
    first = false;
  }
  yield "\n]}\n";
}
