// `npm run bench -- <suite ...>`: runs the named suites (all when none) and
// replaces each suite's section of bench/RESULTS.md with its fresh figures.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";

/** A suite returns its section of RESULTS.md as markdown. */
export type Suite = () => Promise<string>;

const suites: Record<string, () => Promise<{ run: Suite }>> = {
  indicators: () => import("./indicators.bench.ts"),
};

const names = process.argv.slice(2);
const chosen = names.length ? names : Object.keys(suites);
const file = new URL("./RESULTS.md", import.meta.url);
const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;

for (const name of chosen) {
  const load = suites[name];
  if (!load) throw new Error(`unknown bench suite "${name}"; known: ${Object.keys(suites).join(", ")}`);
  console.log(`== ${name}`);
  const body = await (await load()).run();
  const section = `<!-- suite:${name} -->\n## ${name}\n\n_Measured on ${machine}; repeat with \`npm run bench -- ${name}\`._\n\n${body.trim()}\n<!-- /suite:${name} -->`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n\nEvery figure below was measured by `npm run bench`; each section says how to repeat it.\n";
  const re = new RegExp(`<!-- suite:${name} -->[\\s\\S]*?<!-- /suite:${name} -->`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
  console.log(body);
}
