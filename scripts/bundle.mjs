// Bundles the runtime entry points with esbuild.
import { build } from "esbuild";

await build({
  entryPoints: { nt: "runtimes/node/cli/index.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
console.log("bundled dist/nt.mjs");
