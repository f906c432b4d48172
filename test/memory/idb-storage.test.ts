// IdbStorage (runtimes/browser/idb-storage.ts) in Debian's headless Chromium:
// a vector index saved in a tab is there after a reload, with the same
// answers the same index gives in Node.
import { build } from "esbuild";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VectorIndex } from "../../src/memory/vector-index.ts";
import { startStaticServer, type StaticServer } from "../../runtimes/node/static-server.ts";
import { CHROMIUM, launchChromium, openPage, root } from "../browser/browser.ts";
import { wasmHnsw } from "./data.ts";

// Code run in the page: builds, saves, loads and searches an index there.
const pageCode = `
import { IdbStorage } from "./runtimes/browser/idb-storage.ts";
import { WasmHnsw } from "./src/kernels/memory.ts";
import { VectorIndex } from "./src/memory/vector-index.ts";
const backend = () => fetch("memory.wasm").then((r) => r.arrayBuffer()).then((b) => WasmHnsw.load(b));
globalThis.saveIndex = async (points) => {
  const index = new VectorIndex({ dimension: 3, metric: "cosine", backend: await backend() });
  for (const [id, vector, metadata] of points) index.add(id, vector, metadata);
  const storage = await IdbStorage.open("nt-test");
  index.saveTo(storage, "memory/points.ntvx");
  await storage.flush();
  return storage.list("memory");
};
globalThis.searchSaved = async (query) => {
  const storage = await IdbStorage.open("nt-test");
  return VectorIndex.loadFrom(storage, "memory/points.ntvx", { backend: await backend() }).search(query, 3);
};
globalThis.removeSaved = async () => {
  const storage = await IdbStorage.open("nt-test");
  storage.remove("memory");
  await storage.flush();
};
globalThis.listSaved = async () => (await IdbStorage.open("nt-test")).list("memory");
globalThis.appendRefused = async () => {
  try {
    (await IdbStorage.open("nt-test")).openAppend("journal");
    return "";
  } catch (e) {
    return e.message;
  }
};
`;

const points: [string, number[], Record<string, unknown>][] = [
  ["up", [1, 0, 0], { n: 1 }], ["left", [0, 1, 0], { n: 2 }], ["mid", [1, 1, 0], { n: 3 }], ["down", [0, 0, -1], { n: 4 }],
];

describe.skipIf(CHROMIUM === "")("IdbStorage in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "nt-idb-"));
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    await build({ stdin: { contents: pageCode, resolveDir: root, loader: "ts" }, bundle: true, format: "esm", platform: "browser", outfile: join(dir, "page.js"), logLevel: "silent" });
    writeFileSync(join(dir, "index.html"), '<!doctype html><link rel="icon" href="data:,"><script type="module" src="page.js"></script>');
    copyFileSync(join(root, "build/memory.wasm"), join(dir, "memory.wasm"));
    server = await startStaticServer({ root: dir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a saved index survives a reload and answers as in Node; remove deletes it; appends are refused", async () => {
    const { page, problems } = await openPage(browser, server.url);
    await page.waitForFunction(() => "saveIndex" in globalThis);
    expect(await page.evaluate((p) => (globalThis as never as { saveIndex(p: unknown): Promise<string[]> }).saveIndex(p), points)).toEqual(["points.ntvx"]);
    await page.reload();
    await page.waitForFunction(() => "searchSaved" in globalThis);
    const inTab = await page.evaluate(() => (globalThis as never as { searchSaved(q: number[]): Promise<unknown> }).searchSaved([2, 1, 0]));

    const index = new VectorIndex({ dimension: 3, metric: "cosine", backend: await wasmHnsw() });
    for (const [id, vector, metadata] of points) index.add(id, vector, metadata);
    expect(inTab).toEqual(index.search([2, 1, 0], 3));
    expect((inTab as { id: string }[]).map((h) => h.id)).toEqual(["mid", "up", "left"]);

    await page.evaluate(() => (globalThis as never as { removeSaved(): Promise<void> }).removeSaved());
    await page.reload();
    await page.waitForFunction(() => "listSaved" in globalThis);
    expect(await page.evaluate(() => (globalThis as never as { listSaved(): Promise<string[]> }).listSaved())).toEqual([]);
    expect(await page.evaluate(() => (globalThis as never as { appendRefused(): Promise<string> }).appendRefused())).toContain("IndexedDB cannot make an append durable");
    expect(problems).toEqual([]);
  });
});
