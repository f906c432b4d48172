// The kernels in a host that is not JavaScript: wabt's interpreters
// (Debian package `wabt`) load build/*.wasm and call exported kernels with
// arguments from a spectest JSON command file. Their answers must equal, bit
// for bit, what V8 gets from the same module, and agree with the TypeScript twin.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { smaSeries } from "../../src/features/sma.ts";
import { root, wasmBytes } from "../helpers.ts";

const hasWabt = spawnSync("wasm-interp", ["--version"]).status === 0;
if (!hasWabt) console.warn("test/kernels/wasm-host.test.ts skipped: wasm-interp not found; install wabt (apt-get install -y wabt)");

/** A kernel module instantiated in V8, with nothing imported. */
function instantiate(name: string): Promise<WebAssembly.Instance> {
  return WebAssembly.instantiate(new WebAssembly.Module(wasmBytes(name) as BufferSource), {});
}

/** The f64's bit pattern as an unsigned decimal string, the spectest JSON encoding. */
function f64Bits(x: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x, true);
  return v.getBigUint64(0, true).toString();
}

/** selfTest's input and output computed with the TypeScript SMA twin. */
function twinSelfTest(n: number, period: number): number {
  const x = Float64Array.from({ length: n }, (_, i) => i % 100);
  return smaSeries(x, period).reduce((sum, v) => (Number.isNaN(v) ? sum : sum + v), 0);
}

const CASES: [number, number][] = [[1000, 20], [2048, 1], [2048, 200], [37, 37], [1500, 7], [999, 1000], [0, 1]];

describe.skipIf(!hasWabt)("kernels under a non-JS WebAssembly host (wabt)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nt-wabt-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every kernel module validates and imports nothing", () => {
    const modules = readdirSync(join(root, "build")).filter((f) => f.endsWith(".wasm") && !f.includes(".debug."));
    expect(modules).toEqual(expect.arrayContaining(["indicators.wasm"]));
    for (const m of modules) {
      const file = join(root, "build", m);
      expect(spawnSync("wasm-validate", [file]).status, `${m} validates`).toBe(0);
      const sections = execFileSync("wasm-objdump", ["-h", file], { encoding: "utf8" });
      expect(sections, `${m} sections`).toMatch(/Export/);
      expect(sections, `${m} has no import section`).not.toMatch(/Import/);
    }
  });

  it("wasm-interp runs the parameterless selfCheck export: the same number V8 computes", async () => {
    const out = execFileSync("wasm-interp", [join(root, "build/indicators.wasm"), "--run-all-exports"], { encoding: "utf8" });
    const instance = await instantiate("indicators");
    const v8 = (instance.exports.selfCheck as () => number)();
    expect(v8).toBe(48559.5);
    expect(out).toContain(`selfCheck() => f64:${v8.toFixed(6)}`);
  });

  it("spectest-interp calls selfTest(n, period) with arguments; every result equals V8's bits and the twin's value", async () => {
    const instance = await instantiate("indicators");
    const selfTest = instance.exports.selfTest as (n: number, period: number) => number;
    copyFileSync(join(root, "build/indicators.wasm"), join(dir, "indicators.wasm"));
    const commands: object[] = [{ type: "module", line: 1, filename: "indicators.wasm" }];
    for (const [n, period] of CASES) {
      const expected = selfTest(n, period);
      if (n >= 1 && period <= n) expect(expected).toBeCloseTo(twinSelfTest(n, period), 6);
      else expect(expected).toBeNaN();
      commands.push({
        type: "assert_return",
        line: commands.length + 1,
        action: { type: "invoke", field: "selfTest", args: [{ type: "i32", value: String(n) }, { type: "i32", value: String(period) }] },
        expected: [{ type: "f64", value: Number.isNaN(expected) ? "nan:canonical" : f64Bits(expected) }],
      });
    }
    writeFileSync(join(dir, "selftest.json"), JSON.stringify({ source_filename: "selftest.wast", commands }));
    const run = spawnSync("spectest-interp", [join(dir, "selftest.json")], { encoding: "utf8" });
    // The module command counts as one test, each assertion as another.
    expect(run.stdout + run.stderr).toContain(`${CASES.length + 1}/${CASES.length + 1} tests passed`);
    expect(run.status).toBe(0);
  });

  it("spectest-interp runs json.wasm's writeNumber: the same byte counts as V8 for every layout", async () => {
    const instance = await instantiate("json");
    const writeNumber = instance.exports.writeNumber as (v: number, dst: number) => number;
    // Fixed scratch in the first page, above the static data: wabt cannot pass an address reserve() returned.
    const dst = 32768;
    const values = [123456789012345680000, 1455.219971, -1.2345678901234567e-6, 5e-324, Number.MAX_VALUE, NaN, -0, 42];
    copyFileSync(join(root, "build/json.wasm"), join(dir, "json.wasm"));
    const commands: object[] = [{ type: "module", line: 1, filename: "json.wasm" }];
    for (const v of values) {
      const bytes = writeNumber(v, dst);
      expect(bytes).toBe(JSON.stringify(v).length);
      commands.push({
        type: "assert_return", line: commands.length + 1,
        action: { type: "invoke", field: "writeNumber", args: [{ type: "f64", value: f64Bits(v) }, { type: "i32", value: String(dst) }] },
        expected: [{ type: "i32", value: String(bytes) }],
      });
    }
    writeFileSync(join(dir, "json.json"), JSON.stringify({ source_filename: "json.wast", commands }));
    const run = spawnSync("spectest-interp", [join(dir, "json.json")], { encoding: "utf8" });
    expect(run.stdout + run.stderr).toContain(`${values.length + 1}/${values.length + 1} tests passed`);
    expect(run.status).toBe(0);
  });

  it("a wrong expectation fails under spectest-interp (the check can fail)", () => {
    copyFileSync(join(root, "build/indicators.wasm"), join(dir, "indicators.wasm"));
    const commands = [
      { type: "module", line: 1, filename: "indicators.wasm" },
      {
        type: "assert_return", line: 2,
        action: { type: "invoke", field: "selfTest", args: [{ type: "i32", value: "1000" }, { type: "i32", value: "20" }] },
        expected: [{ type: "f64", value: f64Bits(48559.5 + 1e-9) }],
      },
    ];
    writeFileSync(join(dir, "wrong.json"), JSON.stringify({ source_filename: "wrong.wast", commands }));
    const run = spawnSync("spectest-interp", [join(dir, "wrong.json")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain("mismatch in result 0 of assert_return");
    expect(run.stdout + run.stderr).toContain("1/2 tests passed");
  });
});

describe("docs/kernel-abi.md", () => {
  it("lists every export of every kernel module with its parameter count, and nothing else", async () => {
    const doc = readFileSync(join(root, "docs/kernel-abi.md"), "utf8");
    for (const name of ["indicators", "risk", "solver", "json"]) {
      const section = doc.split(`## build/${name}.wasm`)[1].split("\n## ")[0];
      const documented = new Map([...section.matchAll(/^\| `(\w+)\(([^)]*)\)`/gm)].map((m) => [m[1], m[2] === "" ? 0 : m[2].split(",").length]));
      const instance = await instantiate(name);
      const exported = new Map(Object.entries(instance.exports).filter(([, v]) => typeof v === "function").map(([k, f]) => [k, (f as () => void).length]));
      expect(Object.fromEntries(documented), name).toEqual(Object.fromEntries(exported));
      expect(instance.exports.memory, `${name} exports its memory`).toBeInstanceOf(WebAssembly.Memory);
    }
  });
});
