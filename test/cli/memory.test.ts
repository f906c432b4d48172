import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VectorIndex } from "../../src/memory/vector-index.ts";
import { nt } from "./capture.ts";

const dir = mkdtempSync(join(tmpdir(), "nt-memory-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = (name: string) => join(dir, `${n++}-${name}`);

function write(name: string, text: string): string {
  const file = path(name);
  writeFileSync(file, text);
  return file;
}

// Four points in the plane, by hand from (1, 1): b (1,0) at 1, a (0,0) at 2, c (0,3) at 5, d (3,4) at 13 (squared l2).
const pointsCsv = [
  "id,vector,metadata",
  'a,0 0,"{""side"": ""left"", ""n"": 1}"',
  'b,"[1, 0]","{""side"": ""right"", ""n"": 2}"',
  'c,"0,3",',
  'd,3 4,"{""side"": ""right"", ""n"": 4}"',
].join("\n");

async function pointsIndex(): Promise<string> {
  const file = path("points.ntvx");
  const { code, out, err } = await nt("memory", "import", file, "--from", write("points.csv", pointsCsv), "--metric", "l2", "--M", "4");
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(out).toMatch(/imported 4 vectors from .*points\.csv; 4 in the index\n$/);
  return file;
}

describe("nt memory", () => {
  it("import from CSV, then stats", async () => {
    const file = await pointsIndex();
    const { code, out } = await nt("memory", "stats", file, "--json");
    expect(code).toBe(0);
    const stats = JSON.parse(out);
    expect(stats).toMatchObject({ size: 4, deleted: 0, dimension: 2, metric: "l2", M: 4, efConstruction: 200, efSearch: 100, seed: 42, backend: "wasm" });
    const text = await nt("memory", "stats", file);
    expect(text.out).toMatch(/\n {2}vectors {24}4\n/);
    expect(text.out).toMatch(/\n {2}metric {25}l2\n/);
  });

  it("search by a vector, near a stored id, with --where and --exact: nearest first, distances by hand", async () => {
    const file = await pointsIndex();
    const byVector = JSON.parse((await nt("memory", "search", file, "--vector", "1,1", "--k", "4", "--json")).out);
    expect(byVector).toEqual([
      { id: "b", distance: 1, metadata: { side: "right", n: 2 } },
      { id: "a", distance: 2, metadata: { side: "left", n: 1 } },
      { id: "c", distance: 5 },
      { id: "d", distance: 13, metadata: { side: "right", n: 4 } },
    ]);
    const near = JSON.parse((await nt("memory", "search", file, "--like", "c", "--k", "2", "--exact", "--json")).out);
    expect(near.map((h: { id: string }) => h.id)).toEqual(["c", "a"]);
    const right = JSON.parse((await nt("memory", "search", file, "--vector", "0 0", "--where", "side=right", "--json")).out);
    expect(right.map((h: { id: string }) => h.id)).toEqual(["b", "d"]);
    const numeric = JSON.parse((await nt("memory", "search", file, "--vector", "0 0", "--where", "n=4", "--json")).out);
    expect(numeric.map((h: { id: string }) => h.id)).toEqual(["d"]);
    const table = await nt("memory", "search", file, "--vector", "1,1", "--k", "2");
    expect(table.out).toBe([
      'rank  id       distance  metadata',
      '   1  "b"             1  {"side":"right","n":2}',
      '   2  "a"             2  {"side":"left","n":1}',
      "",
    ].join("\n"));
  });

  it("export to JSON and import that into a new file: the same index, the same answers", async () => {
    const file = await pointsIndex();
    const json = path("points.json");
    expect((await nt("memory", "export", file, "--out", json)).code).toBe(0);
    const exported = JSON.parse(readFileSync(json, "utf8"));
    expect(exported.format).toBe("nt-vectors");
    expect(exported.index).toEqual({ dimension: 2, metric: "l2", M: 4, efConstruction: 200, efSearch: 100, seed: 42 });
    expect(exported.items).toEqual([
      { id: "a", vector: [0, 0], metadata: { side: "left", n: 1 } },
      { id: "b", vector: [1, 0], metadata: { side: "right", n: 2 } },
      { id: "c", vector: [0, 3] },
      { id: "d", vector: [3, 4], metadata: { side: "right", n: 4 } },
    ]);
    const copy = path("copy.ntvx");
    expect((await nt("memory", "import", copy, "--from", json)).code).toBe(0);
    expect(readFileSync(copy)).toEqual(readFileSync(file));
    const toStdout = await nt("memory", "export", copy);
    expect(JSON.parse(toStdout.out)).toEqual(exported);
  });

  it("import into an existing file adds and replaces; its parameters cannot change", async () => {
    const file = await pointsIndex();
    const more = write("more.json", JSON.stringify([{ id: "a", vector: [10, 10] }, { id: 7, vector: [1, 1], metadata: { x: true } }]));
    const { code, out } = await nt("memory", "import", file, "--from", more);
    expect(code).toBe(0);
    expect(out).toMatch(/imported 2 vectors .*; 5 in the index/);
    const index = VectorIndex.load(readFileSync(file));
    expect(index.vector("a")).toEqual(Float32Array.from([10, 10]));
    expect(index.metadata(7)).toEqual({ x: true });
    const changed = await nt("memory", "import", file, "--from", more, "--metric", "cosine");
    expect(changed.code).toBe(2);
    expect(changed.err).toContain("--metric cosine differs from");
  });

  it("names what is wrong: a damaged file, a bad row, a missing --metric, a wrong dimension", async () => {
    const file = await pointsIndex();
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 1;
    const damaged = path("damaged.ntvx");
    writeFileSync(damaged, bytes);
    const d = await nt("memory", "stats", damaged);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/^nt memory: .*damaged\.ntvx: the body is damaged \(its CRC-32 does not match\)\n$/);

    const badRow = await nt("memory", "import", path("x.ntvx"), "--from", write("bad.csv", "id,vector\na,1 2\nb,1 x\n"), "--metric", "l2");
    expect(badRow.code).toBe(1);
    expect(badRow.err).toMatch(/bad\.csv, row 2: vector\[1\] must be a finite number, got "x"/);

    const noMetric = await nt("memory", "import", path("y.ntvx"), "--from", write("ok.csv", "id,vector\na,1 2\n"));
    expect(noMetric.code).toBe(2);
    expect(noMetric.err).toContain("does not exist yet: give --metric l2|cosine|ip to create it");

    const wrongDim = await nt("memory", "import", file, "--from", write("three.csv", "id,vector\nz,1 2 3\n"));
    expect(wrongDim.code).toBe(1);
    expect(wrongDim.err).toContain('item 1 (id "z"): vector has 3 values; this index holds vectors of dimension 2');

    const missing = await nt("memory", "stats", path("none.ntvx"));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no vector index saved as/);

    expect((await nt("memory", "search", file, "--k", "2")).code).toBe(2);
    expect((await nt("memory", "frobnicate", file)).code).toBe(2);
    expect((await nt("memory", "search", file, "--vector", "1,1", "--k", "0")).err).toContain("--k must be an integer from 1 to 100000");
  });

  it("ends with exit code 0, 1 or 2 and no stack trace for any index file and any data", async () => {
    const index = readFileSync(await pointsIndex());
    const hostileIndex = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.tuple(fc.nat(index.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, bit]) => {
        const copy = Uint8Array.from(index);
        copy[at] ^= bit;
        return copy;
      }),
    );
    const hostileData = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom("id,vector\n", "id,vector\na,\n", "id,vector,metadata\na,1 2,[1]\n", "[]", "[{}]", '[{"id": null, "vector": [1]}]', '{"format": "nt-vectors"}'),
    );
    await fc.assert(fc.asyncProperty(hostileIndex, hostileData, fc.constantFrom("stats", "search", "import", "export"), async (bytes, data, action) => {
      const file = path("fuzz.ntvx");
      writeFileSync(file, bytes);
      const args = action === "import" ? ["--from", write("fuzz.csv", data)] : action === "search" ? ["--vector", "1,1"] : [];
      const { code, err } = await nt("memory", action, file, ...args);
      expect([0, 1, 2]).toContain(code);
      expect(err).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }), { seed: 20261204, numRuns: 60 });
  });
});
