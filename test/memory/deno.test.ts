// The same adds on the same build/memory.wasm give the same file under Deno
// (saved through runtimes/deno/storage.ts) as under Node.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { VectorIndex } from "../../src/memory/vector-index.ts";
import { root } from "../helpers.ts";
import { firstDifference, normalVectors, wasmHnsw } from "./data.ts";

describe("vector index files under Deno", () => {
  const dir = mkdtempSync(join(tmpdir(), "nt-memory-deno-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("Deno writes the bytes Node writes for the same adds, and answers the same", async () => {
    const vectors = normalVectors(300, 12, 41).map((v) => Array.from(v));
    writeFileSync(join(dir, "vectors.json"), JSON.stringify(vectors));
    const wasm = join(root, "build/memory.wasm");
    const { stdout } = await promisify(execFile)("npx", [
      "deno", "run", "--no-prompt", `--allow-read=${root},${dir}`, `--allow-write=${dir}`,
      "test/memory/storage-check.deno.ts", dir, join(dir, "vectors.json"), wasm,
    ], { cwd: root, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }, timeout: 120_000 });
    const index = new VectorIndex({ dimension: 12, metric: "ip", backend: await wasmHnsw() });
    vectors.forEach((v, i) => index.add(i, v, { i }));
    expect(firstDifference(new Uint8Array(readFileSync(join(dir, "deno/index.ntvx"))), index.save())).toBe(-1);
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual(index.search(vectors[0], 5));
  }, 150_000);
});
