// The core knows no runtime: esbuild --platform=neutral bundles src/ with no
// Node or Deno module, and no source touches a runtime's globals.
import { build, type BuildOptions } from "esbuild";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./helpers.ts";

const srcDir = join(root, "src");
const sources = (readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(srcDir, f)).sort();

const neutral: BuildOptions = {
  bundle: true, platform: "neutral", format: "esm", target: "es2022", write: false, metafile: true, logLevel: "silent",
  mainFields: ["module", "main"], conditions: ["import", "default"],
};

describe("src/ builds for no runtime in particular", () => {
  it("bundles the public entry src/index.ts with esbuild --platform=neutral, importing nothing external", async () => {
    const result = await build({ ...neutral, entryPoints: [join(srcDir, "index.ts")], outfile: "index.mjs" });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((p) => p.startsWith("node:") || /\bdeno\b/i.test(p))).toEqual([]);
    const imports = Object.values(result.metafile!.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports, "unbundled imports left in the output").toEqual([]);
    // The entry reaches the API, the config and the kernels, not only the domain model.
    for (const module of ["src/api/app.ts", "src/config/app-config.ts", "src/kernels/indicators.ts", "src/backtest/engine.ts"]) {
      expect(inputs).toContain(module);
    }
  });

  it("bundles every module of src/ on its own the same way", async () => {
    const result = await build({ ...neutral, entryPoints: sources, outdir: "out" });
    expect(result.errors).toEqual([]);
    const imports = Object.values(result.metafile!.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect([...new Set(imports)]).toEqual([]);
  });

  it("uses no runtime globals (process, Deno, Buffer, require, document) in code", () => {
    const offenders: string[] = [];
    // `window` is left out: indicator code rightly uses it as a local name.
    const globals = /(?<![.\w$])(process|Deno|Bun|Buffer|require|document|__dirname|__filename)\s*[.([]/;
    for (const file of sources) {
      const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
      code.split("\n").forEach((line, i) => {
        if (globals.test(line)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
