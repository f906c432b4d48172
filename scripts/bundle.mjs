// Bundles the runtime entry points with esbuild.
import { build } from "esbuild";
import { buildVercel, buildWorker, edgeBuildOptions } from "../runtimes/edge/build.mjs";

await build({
  // The compute worker sits beside nt.mjs, where runtimes/node/server.ts looks for it.
  entryPoints: {
    nt: "runtimes/node/cli/index.ts", "compute-worker": "runtimes/node/compute-worker.ts",
    "research-worker": "runtimes/node/research/worker.ts",
  },
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
console.log("bundled dist/nt.mjs, dist/compute-worker.mjs, dist/research-worker.mjs");

// The edge builds (runtimes/edge/build.mjs): neutral with the kernels embedded,
// the Cloudflare Worker and the Vercel Edge Function with .wasm modules beside them.
await build(edgeBuildOptions());
console.log("bundled dist/edge.mjs");
await buildWorker();
console.log("bundled dist/edge/worker.mjs (+ .wasm modules)");
await buildVercel();
console.log("bundled dist/vercel (api/index.js, lib/nt.js + .wasm modules, vercel.json)");
