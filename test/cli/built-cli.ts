// The `nt` CLI bundled from source for tests that run it as a child process
// (signals, SIGKILL, a server to talk to): never a stale dist/. Packages stay
// external and resolve from node_modules; the compute worker sits beside
// nt.mjs, as in dist/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { root } from "../helpers.ts";

/** Bundles the CLI into `dir` (inside the package, so build/*.wasm is found) and returns the path of nt.mjs. */
export async function buildCli(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: { nt: join(root, "runtimes/node/cli/index.ts"), "compute-worker": join(root, "runtimes/node/compute-worker.ts") },
    outdir: dir, outExtension: { ".js": ".mjs" }, bundle: true, platform: "node",
    format: "esm", target: "node20", packages: "external", logLevel: "silent",
  });
  return join(dir, "nt.mjs");
}
