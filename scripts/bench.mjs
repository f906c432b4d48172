// `npm run bench -- [suite ...]`: runs bench/<suite>.bench.ts (every suite when
// none is named). Each suite exports `run(): Promise<string>` returning its
// section of bench/RESULTS.md as markdown, which replaces the old section, and
// may export `title`, the section's heading (else the suite's name).
import { build } from "esbuild";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";

const known = readdirSync("bench").filter((f) => f.endsWith(".bench.ts")).map((f) => f.slice(0, -".bench.ts".length));
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : known;
const file = "bench/RESULTS.md";
const cpu = os.cpus()[0]?.model?.trim() ?? "unknown CPU";
const machine = `${cpu} (${os.cpus().length} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;

for (const name of chosen) {
  if (!known.includes(name)) throw new Error(`unknown bench suite "${name}"; known: ${known.join(", ")}`);
  const outfile = `node_modules/.cache/bench/${name}.mjs`;
  await build({
    entryPoints: [`bench/${name}.bench.ts`], outfile, bundle: true, platform: "node", format: "esm",
    target: "node20", packages: "external", logLevel: "warning",
  });
  console.log(`== ${name}`);
  const suite = await import(pathToFileURL(outfile).href);
  const body = await suite.run();
  // A suite may name its section (export const title); the file name otherwise.
  const section = `<!-- suite:${name} -->\n## ${suite.title ?? name}\n\n_Measured on ${machine}; repeat with \`npm run bench -- ${name}\`._\n\n${body.trim()}\n<!-- /suite:${name} -->`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n\nEvery figure below was measured by `npm run bench`; each section says how to repeat it.\n";
  const re = new RegExp(`<!-- suite:${name} -->[\\s\\S]*?<!-- /suite:${name} -->`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
  console.log(body);
}
