#!/usr/bin/env node
import { existsSync } from "node:fs";

const bundle = new URL("../dist/nt.mjs", import.meta.url);
if (!existsSync(bundle)) {
  console.error("nt: dist/nt.mjs is missing; run `npm install` (or `npm run build`) in the engine's folder first");
  process.exit(1);
}
await import(bundle.href);
