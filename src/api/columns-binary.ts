/**
 * Float64 columns as raw bytes, the compact answer of POST /indicators to
 * `Accept: application/octet-stream`: the columns one after another, each
 * `rows` little-endian float64 values, NaN kept (JSON can only say null).
 * Headers name the layout: X-NT-Rows and X-NT-Columns (comma-separated names;
 * indicator names never contain commas). A browser decodes it with
 * `new Float64Array(await res.arrayBuffer())` and subarray(k * rows, (k + 1) * rows).
 * It skips the cost of printing every double as text, which dominates the
 * JSON answer (see bench/RESULTS.md, api).
 */
export const BINARY_CONTENT_TYPE = "application/octet-stream";

const littleEndianHost = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;

export function columnsBinary(columns: readonly (readonly [string, Float64Array])[], rows: number): { body: Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  const out = new Float64Array(rows * columns.length);
  columns.forEach(([, values], k) => out.set(values, k * rows));
  // A Uint8Array, not the ArrayBuffer: adapters such as @hono/node-server write it without a stream.
  const body = new Uint8Array(out.buffer);
  // Typed arrays use the host's byte order; the format is little-endian everywhere.
  if (!littleEndianHost) for (let i = 0; i < body.length; i += 8) body.subarray(i, i + 8).reverse();
  return {
    body,
    headers: {
      "content-type": BINARY_CONTENT_TYPE,
      "x-nt-rows": String(rows),
      "x-nt-columns": columns.map(([name]) => name).join(","),
    },
  };
}

/** Reads the format back (for clients written in TypeScript, and the tests). */
export function readColumnsBinary(bytes: ArrayBuffer, rowsHeader: string, columnsHeader: string): Map<string, Float64Array> {
  const rows = Number(rowsHeader);
  const names = columnsHeader === "" ? [] : columnsHeader.split(",");
  const view = new DataView(bytes);
  if (bytes.byteLength !== rows * names.length * 8) {
    throw new Error(`expected ${rows} x ${names.length} float64 values, got ${bytes.byteLength} bytes`);
  }
  return new Map(names.map((name, k) => [name, Float64Array.from({ length: rows }, (_, i) => view.getFloat64((k * rows + i) * 8, true))]));
}
