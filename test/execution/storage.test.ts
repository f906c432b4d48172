// The storage port on both runtimes that have a disk: the journal written,
// torn, reopened and appended to, on Node's fs and on Deno's.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { NodeStorage } from "../../runtimes/node/storage.ts";
import { Journal } from "../../src/execution/journal.ts";
import { root } from "../helpers.ts";

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), "nt-storage-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("storage port", () => {
  it("Node: appends with fsync, cuts a torn tail, replaces files atomically, lists and removes", () => {
    const storage = new NodeStorage(temp());
    const a = Journal.open(storage.openAppend("s/engine.journal"), "record");
    a.journal.append("one");
    a.journal.append("two");
    a.journal.close();
    const raw = storage.openAppend("s/engine.journal");
    raw.append(new Uint8Array([9, 0, 0, 0, 1, 2]));
    raw.sync();
    raw.close();
    const b = Journal.open(storage.openAppend("s/engine.journal"));
    expect(b.records).toEqual(["one", "two"]);
    expect(b.torn).toMatchObject({ bytes: 6 });
    b.journal.append("three");
    b.journal.close();
    expect(Journal.open(storage.openAppend("s/engine.journal")).records).toEqual(["one", "two", "three"]);
    storage.write("s/meta.json", new TextEncoder().encode("{}"));
    expect(storage.list("s")).toEqual(["engine.journal", "meta.json"]);
    expect(storage.read("nope")).toBeNull();
    expect(() => storage.read("../escape")).toThrow(/relative path/);
    storage.remove("s");
    expect(storage.list("")).toEqual([]);
  });

  it("Deno: the same journal on Deno's file API", async () => {
    const dir = temp();
    const { stdout } = await promisify(execFile)("npx", ["deno", "run", "--no-prompt", `--allow-read=${root},${dir}`, `--allow-write=${dir}`, "test/execution/storage-check.deno.ts", dir], {
      cwd: root, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }, timeout: 120_000,
    });
    const [first, second] = stdout.trim().split("\n").slice(-2).map((l) => JSON.parse(l));
    expect(first).toMatchObject({ records: ["one", "two", "three"], torn: { bytes: 6 }, list: ["engine.journal", "meta.json"], meta: '{"ok":true}', missing: null });
    expect(second.after).toEqual([]);
  }, 150_000);
});
