// Test-side access to build outputs and fixtures (Node only; src/ stays runtime-free).
import { readFileSync } from "node:fs";
import { WasmIndicators } from "../src/kernels/indicators.ts";

export const root = new URL("../", import.meta.url).pathname;

export function wasmBytes(name: string): Uint8Array {
  return readFileSync(`${root}build/${name}.wasm`);
}

let indicators: Promise<WasmIndicators> | undefined;
export function wasmIndicators(): Promise<WasmIndicators> {
  return (indicators ??= WasmIndicators.load(wasmBytes("indicators")));
}

/** Reads a fixture CSV (quoted header, numeric cells, empty = NaN) into columns. */
export function readFixture(file: string): Record<string, Float64Array> & { rows: number } {
  const lines = readFileSync(`${root}test/fixtures/${file}`, "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",").map((h) => h.replace(/"/g, ""));
  const cols: Record<string, Float64Array> = {};
  header.forEach((h) => (cols[h] = new Float64Array(lines.length - 1)));
  lines.slice(1).forEach((line, r) => {
    line.split(",").forEach((cell, c) => {
      const v = cell.replace(/"/g, "");
      cols[header[c]][r] = v === "" || v === "NA" ? NaN : Number(v);
    });
  });
  return Object.assign(cols, { rows: lines.length - 1 });
}

/**
 * Asserts `actual` matches `expected` to `rel` relative error on every index
 * where expected is defined (from index `from`), and that actual is NaN
 * exactly where expected is undefined. `absFloor` bounds the denominator for
 * values that cross zero (e.g. MACD histogram): document any use of it.
 */
export function expectSeriesClose(
  actual: Float64Array, expected: Float64Array, rel = 1e-9, from = 0, label = "", absFloor = 1e-12,
): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} != ${expected.length}`);
  let checked = 0;
  for (let i = from; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) throw new Error(`${label}[${i}]: expected undefined (NaN), got ${a}`);
      continue;
    }
    const err = Math.abs(a - e) / Math.max(Math.abs(e), absFloor);
    if (!(err <= rel)) throw new Error(`${label}[${i}]: expected ${e}, got ${a} (relative error ${err})`);
    checked++;
  }
  if (checked === 0) throw new Error(`${label}: no defined reference values were compared`);
}
