// Compiles every top-level assembly/*.ts entry into build/<name>.wasm and
// refuses a module that imports anything: the kernels must run in any host.
import asc from "assemblyscript/asc";
import { readdir, readFile } from "node:fs/promises";

// Usage: node scripts/build-wasm.mjs [--debug] [entry ...]; no entries = all of them.
const args = process.argv.slice(2);
const target = args.includes("--debug") ? "debug" : "release";
const only = args.filter((a) => !a.startsWith("--"));
const entries = (await readdir("assembly"))
  .filter((f) => f.endsWith(".ts") && (only.length === 0 || only.includes(f.slice(0, -3))));

for (const file of entries) {
  const name = file.slice(0, -3);
  const outFile = target === "debug" ? `build/${name}.debug.wasm` : `build/${name}.wasm`;
  const { error, stderr } = await asc.main(
    [`assembly/${file}`, "--config", "asconfig.json", "--target", target, "-o", outFile],
  );
  if (error) {
    console.error(stderr.toString());
    throw new Error(`asc failed on assembly/${file}: ${error.message}`);
  }
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(await readFile(outFile)));
  if (imports.length > 0) {
    throw new Error(`${outFile} imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}; kernels must import nothing`);
  }
  console.log(`built ${outFile}`);
}
