import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/core/crc32.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { MemoryStorage } from "../../src/core/storage.ts";
import { IndexFileError, type IndexFileProblem } from "../../src/memory/file-format.ts";
import { tsHnsw } from "../../src/memory/hnsw-twin.ts";
import { VectorIndex } from "../../src/memory/vector-index.ts";
import { NodeStorage } from "../../runtimes/node/storage.ts";
import { firstDifference, normalVectors, wasmHnsw } from "./data.ts";

/** The problem load() reports for these bytes, or "loaded" when it accepts them. */
function problemOf(bytes: Uint8Array): IndexFileProblem | "loaded" {
  try {
    VectorIndex.load(bytes);
    return "loaded";
  } catch (e) {
    if (e instanceof IndexFileError) return e.problem;
    throw e;
  }
}

/** Recomputes both CRCs, so an edit reaches the checks behind them. */
function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(60, crc32(bytes.subarray(0, 60)), true);
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(64, bytes.length - 4)), true);
  return bytes;
}

/** 30 vectors of dimension 4 (one removed), with string and number ids and metadata: a file of a few KB. */
function smallIndex(): VectorIndex {
  const index = new VectorIndex({ dimension: 4, metric: "cosine", M: 4, seed: 5 });
  normalVectors(30, 4, 21).forEach((v, i) => index.add(i % 2 ? `s${i}` : i, v, i % 3 ? { i, tag: "x" } : undefined));
  index.remove(4);
  return index;
}

describe("VectorIndex save and load", () => {
  it("gives back an index with the same answers, on either backend, that goes on growing the same way", async () => {
    const data = normalVectors(2000, 24, 31);
    const queries = normalVectors(50, 24, 32);
    const original = new VectorIndex({ dimension: 24, metric: "l2", M: 12, efConstruction: 100, efSearch: 40, seed: 3, backend: await wasmHnsw() });
    data.forEach((v, i) => original.add(i % 2 ? i : `id-${i}`, v, { i, even: i % 2 === 0 }));
    for (let i = 0; i < 2000; i += 11) original.remove(i % 2 ? i : `id-${i}`);
    const bytes = original.save();
    for (const backend of [await wasmHnsw(), tsHnsw]) {
      const loaded = VectorIndex.load(bytes, { backend });
      expect({ ...loaded.stats(), backend: "-", memoryBytes: 0 }).toEqual({ ...original.stats(), backend: "-", memoryBytes: 0 });
      for (const q of queries) {
        expect(loaded.search(q, 10)).toEqual(original.search(q, 10));
        expect(loaded.search(q, 10, { even: true })).toEqual(original.search(q, 10, { even: true }));
        expect(loaded.exactSearch(q, 3)).toEqual(original.exactSearch(q, 3));
      }
      expect(firstDifference(loaded.save(), bytes)).toBe(-1);
    }
    // The level draws go on where they stopped: the same adds after a load give the same file.
    const loaded = VectorIndex.load(bytes, { backend: await wasmHnsw() });
    for (const [i, v] of queries.entries()) {
      original.add(`q${i}`, v);
      loaded.add(`q${i}`, v);
    }
    expect(firstDifference(loaded.save(), original.save())).toBe(-1);
  });

  it("reads a Node Buffer at any offset (its slice() is a view, not a copy)", () => {
    const bytes = smallIndex().save();
    const pooled = Buffer.alloc(bytes.length + 3);
    pooled.set(bytes, 3);
    const loaded = VectorIndex.load(pooled.subarray(3));
    expect(firstDifference(loaded.save(), bytes)).toBe(-1);
  });

  it("keeps id types, metadata and removals", () => {
    const loaded = VectorIndex.load(smallIndex().save());
    expect(loaded.size).toBe(29);
    expect(loaded.has(4)).toBe(false);
    expect(loaded.has(2)).toBe(true);
    expect(loaded.has("2")).toBe(false);
    expect(loaded.has("s3")).toBe(true);
    expect(loaded.metadata("s5")).toEqual({ i: 5, tag: "x" });
    expect(loaded.metadata(6)).toBeUndefined();
    expect([...loaded.entries()].map((e) => e.id).slice(0, 6)).toEqual([0, "s1", 2, "s3", "s5", 6]);
  });

  it("an empty index round-trips", () => {
    const loaded = VectorIndex.load(new VectorIndex({ dimension: 3, metric: "ip" }).save());
    expect(loaded.size).toBe(0);
    expect(loaded.search([1, 2, 3], 4)).toEqual([]);
    loaded.add("a", [1, 0, 0]);
    expect(loaded.search([1, 2, 3], 4).map((h) => h.id)).toEqual(["a"]);
  });
});

describe("a damaged vector index file is refused, naming what is wrong", () => {
  const bytes = smallIndex().save();

  it("every single-bit flip: the magic in bytes 0-3, else a checksum, header or body", () => {
    expect(problemOf(bytes)).toBe("loaded");
    for (let at = 0; at < bytes.length; at++) {
      for (const bit of [0x01, 0x80]) {
        const copy = bytes.slice();
        copy[at] ^= bit;
        expect(problemOf(copy), `byte ${at} ^ ${bit}`).toBe(at < 4 ? "magic" : "checksum");
      }
    }
  });

  it("every truncation", () => {
    for (let length = 0; length < bytes.length; length++) {
      expect(problemOf(bytes.subarray(0, length)), `${length} bytes`).toBe("truncated");
    }
    expect(() => VectorIndex.load(bytes.subarray(0, 1000))).toThrow(`truncated: 1000 bytes of the ${bytes.length} its header describes`);
    expect(() => VectorIndex.load(bytes.subarray(0, 10))).toThrow("truncated: 10 bytes, shorter than the 64-byte header and a checksum");
  });

  it("another kind of file, a newer format version, extra bytes", () => {
    expect(() => VectorIndex.load(new TextEncoder().encode('{"ids": [1, 2, 3]}'))).toThrow('not a vector index file: it starts with 7b 22 69 64, not "NTVX"');
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(4, 2, true);
    expect(() => VectorIndex.load(reseal(newer))).toThrow("file format version 2 is newer than this reader's (1); upgrade to read it");
    expect(problemOf(newer)).toBe("version");
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => VectorIndex.load(longer)).toThrow(`3 bytes follow the ${bytes.length} its header describes`);
  });

  it("a well-sealed file whose graph is inconsistent", () => {
    const { dimension, count } = { dimension: 4, count: 30 };
    const links0 = 64 + count * dimension * 4 + count * 4;
    const outOfRange = bytes.slice();
    const view = new DataView(outOfRange.buffer);
    view.setInt32(links0, 1, true);
    view.setInt32(links0 + 4, 999, true);
    expect(() => VectorIndex.load(reseal(outOfRange))).toThrow("node 0: level 0 links to 999, not another of the 30 nodes on that level");
    const tooMany = bytes.slice();
    new DataView(tooMany.buffer).setInt32(links0, 9, true);
    expect(() => VectorIndex.load(reseal(tooMany))).toThrow("node 0: level 0 has 9 links; at most 8 fit");
    const badMetric = bytes.slice();
    new DataView(badMetric.buffer).setUint32(8, 7, true);
    expect(() => VectorIndex.load(reseal(badMetric))).toThrow("metric code 7 is not 0 (l2), 1 (cosine) or 2 (ip)");
    const badM = bytes.slice();
    new DataView(badM.buffer).setUint32(16, 1, true);
    expect(problemOf(reseal(badM))).toBe("invalid");
  });

  it("names the stored file when loaded from storage", () => {
    const storage = new MemoryStorage();
    const damaged = bytes.slice();
    damaged[200] ^= 4;
    storage.write("memory/obs.ntvx", damaged);
    expect(() => VectorIndex.loadFrom(storage, "memory/obs.ntvx")).toThrow("memory/obs.ntvx: the body is damaged (its CRC-32 does not match)");
    expect(() => VectorIndex.loadFrom(storage, "memory/none.ntvx")).toThrow(ConfigError);
  });
});

describe("vector indexes through the storage port", () => {
  it("in memory and on Node's file system", () => {
    const dir = mkdtempSync(join(tmpdir(), "nt-memory-"));
    try {
      for (const storage of [new MemoryStorage(), new NodeStorage(dir)]) {
        const index = smallIndex();
        index.saveTo(storage, "indexes/small.ntvx");
        const loaded = VectorIndex.loadFrom(storage, "indexes/small.ntvx");
        expect(firstDifference(loaded.save(), index.save())).toBe(-1);
        expect(storage.list("indexes")).toEqual(["small.ntvx"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
