// Runs a TypeScript entry (bench/*.ts, scripts) under Node 20: esbuild bundles
// it to a cache file, then it is imported with the remaining arguments.
import { build } from "esbuild";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs FILE.ts [args...]");
  process.exit(2);
}
const outfile = `node_modules/.cache/run-ts/${basename(entry, ".ts")}.mjs`;
await build({
  entryPoints: [entry], outfile, bundle: true, platform: "node", format: "esm", target: "node20",
  packages: "external", sourcemap: "inline", logLevel: "warning",
});
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(outfile).href);
