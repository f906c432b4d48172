// Bundles the runtime entry points with esbuild.
import { build } from "esbuild";
import { edgeBuildOptions } from "../runtimes/edge/build.mjs";

await build({
  // The compute worker sits beside nt.mjs, where runtimes/node/server.ts looks for it.
  entryPoints: { nt: "runtimes/node/cli/index.ts", "compute-worker": "runtimes/node/compute-worker.ts" },
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
console.log("bundled dist/nt.mjs, dist/compute-worker.mjs");

// The edge entry: platform "neutral", kernels and sample data embedded.
await build(edgeBuildOptions());
console.log("bundled dist/edge.mjs");
