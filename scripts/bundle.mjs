// Bundles the runtime entry points with esbuild.
import { build } from "esbuild";
import { edgeBuildOptions } from "../runtimes/edge/build.mjs";

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

// The edge entry: platform "neutral", kernels and sample data embedded.
await build(edgeBuildOptions());
console.log("bundled dist/edge.mjs");
