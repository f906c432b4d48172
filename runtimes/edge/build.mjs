// esbuild options for the edge bundle (dist/edge.mjs), shared by
// scripts/bundle.mjs and the edge tests so both build the same thing.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** platform "neutral": no Node built-ins are assumed, so any import of one fails the build. */
export function edgeBuildOptions(outfile = `${root}dist/edge.mjs`) {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
  return {
    entryPoints: [`${root}runtimes/edge/index.ts`],
    outfile,
    bundle: true,
    platform: "neutral",
    format: "esm",
    target: "es2022",
    // Neutral resolves no package fields by default; these are the ESM entry points.
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    loader: { ".wasm": "binary", ".csv": "text" },
    define: { __APP_INFO__: JSON.stringify({ name: pkg.name, version: pkg.version }) },
    sourcemap: true,
    logLevel: "warning",
  };
}
