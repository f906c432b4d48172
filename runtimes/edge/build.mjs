// The edge builds, shared by scripts/bundle.mjs and the tests so both build
// the same thing. One app (runtimes/edge/app.ts), three ways to ship kernels:
//   neutral  dist/edge.mjs              the .wasm bytes embedded (hosts that compile bytes)
//   worker   dist/edge/worker.mjs       ./x.wasm imports beside it (Cloudflare Workers)
//   vercel   dist/vercel/               ./x.wasm?module imports beside lib/nt.js (Vercel Edge)
// Each entry imports the virtual module "nt:kernels", written here per platform.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The kernels every edge build ships, as build/<name>.wasm; adding one is one name here. */
export const KERNELS = ["indicators", "risk", "solver", "json", "neural"];

function kernelFile(name) {
  const file = join(root, "build", `${name}.wasm`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:wasm\` first`);
  return file;
}

/**
 * "nt:kernels" for one platform: `embed` imports the bytes (esbuild's binary
 * loader); `import` leaves `import m from "./<name>.wasm<suffix>"` for the
 * platform to compile at deploy time, with the size and hash the build read.
 */
function kernelsPlugin(mode, suffix = "") {
  const lines = KERNELS.map((name, i) => {
    if (mode === "embed") return { imp: `import k${i} from ${JSON.stringify(kernelFile(name))};`, value: `k${i}` };
    const bytes = readFileSync(kernelFile(name));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    return { imp: `import k${i} from "./${name}.wasm${suffix}";`, value: `{ module: k${i}, bytes: ${bytes.length}, sha256: "${sha256}" }` };
  });
  const contents = `${lines.map((l) => l.imp).join("\n")}\nexport default { ${KERNELS.map((name, i) => `${name}: ${lines[i].value}`).join(", ")} };\n`;
  return {
    name: "nt-kernels",
    setup(b) {
      b.onResolve({ filter: /^nt:kernels$/ }, () => ({ path: "nt:kernels", namespace: "nt-kernels" }));
      b.onLoad({ filter: /.*/, namespace: "nt-kernels" }, () => ({ contents, resolveDir: root, loader: "js" }));
      // The platform resolves these, from the files copied beside the bundle.
      b.onResolve({ filter: /\.wasm(\?module)?$/, namespace: "nt-kernels" }, (a) => (mode === "embed" ? undefined : { path: a.path, external: true }));
    },
  };
}

function options(entry, outfile, plugin) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return {
    entryPoints: [join(root, "runtimes/edge", entry)],
    outfile,
    bundle: true,
    // "neutral": no Node built-ins are assumed, so any import of one fails the build.
    platform: "neutral",
    format: "esm",
    target: "es2022",
    // Neutral resolves no package fields by default; these are the ESM entry points.
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    // The weights are data, not code: every platform takes them embedded (base64 in the bundle, about 0.65 MB
    // for the three), unlike .wasm, which Workers and Vercel compile only from modules they are handed.
    loader: { ".wasm": "binary", ".csv": "text", ".safetensors": "binary" },
    define: { __APP_INFO__: JSON.stringify({ name: pkg.name, version: pkg.version }) },
    plugins: [plugin],
    sourcemap: true,
    logLevel: "warning",
  };
}

/** The neutral bundle: one file, kernels embedded as bytes. */
export function edgeBuildOptions(outfile = join(root, "dist/edge.mjs")) {
  return options("index.ts", outfile, kernelsPlugin("embed"));
}

/** An empty directory: a deploy step uploads all it finds, so nothing from an older build may stay. */
function fresh(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function copyKernels(dir) {
  for (const name of KERNELS) copyFileSync(kernelFile(name), join(dir, `${name}.wasm`));
}

/** dir/worker.mjs and the .wasm modules beside it: what `wrangler deploy` uploads (runtimes/edge/wrangler.toml). */
export async function buildWorker(dir = join(root, "dist/edge")) {
  fresh(dir);
  await build(options("worker.ts", join(dir, "worker.mjs"), kernelsPlugin("import")));
  copyKernels(dir);
  return join(dir, "worker.mjs");
}

/**
 * A Vercel project in dir: api/index.js, the Edge Function, re-exports
 * lib/nt.js (the app, importing its kernels with ?module from the .wasm files
 * beside it); vercel.json sends every path to the function.
 */
export async function buildVercel(dir = join(root, "dist/vercel")) {
  fresh(dir);
  const lib = join(dir, "lib");
  mkdirSync(lib);
  mkdirSync(join(dir, "api"));
  await build(options("vercel.ts", join(lib, "nt.js"), kernelsPlugin("import", "?module")));
  copyKernels(lib);
  // Vercel reads the runtime from the entry's text, and only in this form (an exported const object
  // literal); a bundler would rewrite it, so the entry is these two lines and the app lives in lib/.
  const entry = join(dir, "api/index.js");
  writeFileSync(entry, 'export const config = { runtime: "edge" };\nexport { default } from "../lib/nt.js";\n');
  copyFileSync(join(root, "runtimes/edge/vercel.json"), join(dir, "vercel.json"));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "nt-edge", private: true, type: "module" }, null, 2)}\n`);
  return entry;
}
