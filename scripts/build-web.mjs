// Builds the browser app (runtimes/browser) into static files in dist/web:
// app.js (the page), worker.js (the engine's Web Worker), research-worker.js
// (the sweeps' Web Workers), index.html, styles.css, indicators.wasm,
// research.wasm and neural.wasm (the kernels), sp500.csv (the bundled data) and
// models/*.safetensors (the neural forecast's weights, fetched on demand).
//
// Usage: node scripts/build-web.mjs [--if-stale]
//   --if-stale   build only when dist/web is missing or older than any of its
//                inputs (every source file esbuild bundled, and the copied files)
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (...parts) => join(root, ...parts);
const out = at("dist", "web");
const infoFile = join(out, "build-info.json");

/** Copied as they are: [source, name in dist/web]. */
const ASSETS = [
  ["runtimes/browser/index.html", "index.html"],
  ["runtimes/browser/styles.css", "styles.css"],
  ["build/indicators.wasm", "indicators.wasm"],
  ["build/research.wasm", "research.wasm"],
  ["build/neural.wasm", "neural.wasm"],
  ["data/sp500.csv", "sp500.csv"],
  // The neural forecast's weights, fetched by the page when a forecast asks for them (not bundled into app.js).
  ["models/lstm.safetensors", "models/lstm.safetensors"],
  ["models/transformer.safetensors", "models/transformer.safetensors"],
  ["models/nhits.safetensors", "models/nhits.safetensors"],
];
const OUTPUTS = ["app.js", "worker.js", "research-worker.js", ...ASSETS.map(([, name]) => name)];

async function mtime(file) {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return Infinity; // missing: treat as newer than any build
  }
}

/** Why dist/web must be rebuilt, or null when it is up to date. */
export async function staleReason() {
  if (!existsSync(infoFile)) return "dist/web has not been built";
  const info = JSON.parse(await readFile(infoFile, "utf8"));
  for (const name of OUTPUTS) if (!existsSync(join(out, name))) return `dist/web/${name} is missing`;
  for (const input of info.inputs) {
    if ((await mtime(at(input))) > info.builtAt) return `${input} changed since the last build`;
  }
  if ((await mtime(fileURLToPath(import.meta.url))) > info.builtAt) return "the build script changed";
  return null;
}

export async function buildWeb() {
  const started = Date.now();
  // The kernels the page copies, named once by ASSETS.
  const kernels = ASSETS.map(([from]) => from.match(/^build\/(\w+)\.wasm$/)?.[1]).filter((k) => k !== undefined);
  for (const kernel of kernels) {
    if (existsSync(at("build", `${kernel}.wasm`))) continue;
    console.log(`build/${kernel}.wasm is missing; building the kernels first`);
    const r = spawnSync(process.execPath, [at("scripts", "build-wasm.mjs"), kernel], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`building build/${kernel}.wasm failed`);
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, "models"), { recursive: true });
  const common = {
    bundle: true,
    platform: "browser",
    target: ["es2022", "chrome109", "firefox115", "safari16"],
    minify: true,
    sourcemap: true,
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
    absWorkingDir: root,
  };
  const [app, worker, research] = await Promise.all([
    build({ ...common, entryPoints: ["runtimes/browser/main.ts"], outfile: join(out, "app.js"), format: "esm" }),
    build({ ...common, entryPoints: ["runtimes/browser/worker.ts"], outfile: join(out, "worker.js"), format: "iife" }),
    build({ ...common, entryPoints: ["runtimes/browser/research-worker.ts"], outfile: join(out, "research-worker.js"), format: "iife" }),
  ]);
  for (const [from, name] of ASSETS) await copyFile(at(from), join(out, name));
  const inputs = [...new Set([
    ...Object.keys(app.metafile.inputs),
    ...Object.keys(worker.metafile.inputs),
    ...Object.keys(research.metafile.inputs),
    ...ASSETS.map(([from]) => from),
  ])].sort();
  // builtAt is when the build began: an input saved during the build counts as newer.
  await writeFile(infoFile, JSON.stringify({ builtAt: started, inputs }, null, 1) + "\n");
  const size = async (name) => ((await stat(join(out, name))).size / 1024).toFixed(0) + " KiB";
  const sizes = await Promise.all(["app.js", "worker.js", "research-worker.js", ...kernels.map((k) => `${k}.wasm`), "sp500.csv"].map(async (name) => `${name} ${await size(name)}`));
  console.log(`built ${relative(root, out)}: ${sizes.join(", ")}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--if-stale")) {
    const reason = await staleReason();
    if (reason === null) {
      console.log("dist/web is up to date");
    } else {
      console.log(`rebuilding dist/web: ${reason}`);
      await buildWeb();
    }
  } else {
    await buildWeb();
  }
}
