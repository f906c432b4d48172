// src/gpu/shader-sources.ts is generated from shaders/*.wgsl by npm run build
// (not committed); it must match the .wgsl files byte for byte.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED, shaderSourcesModule } from "../../scripts/build-shaders.mjs";
import { WGSL } from "../../src/gpu/shader-sources.ts";
import { root } from "../helpers.ts";

describe("WGSL sources loaded as text", () => {
  it(`${GENERATED} is up to date with shaders/*.wgsl (else run node scripts/build-shaders.mjs)`, () => {
    expect(readFileSync(`${root}${GENERATED}`, "utf8")).toBe(shaderSourcesModule());
  });

  it("carries every .wgsl file unchanged", () => {
    const files = readdirSync(`${root}shaders`).filter((f) => f.endsWith(".wgsl")).sort();
    expect(Object.keys(WGSL).sort()).toEqual(files.map((f) => f.slice(0, -5)).sort());
    for (const file of files) expect(WGSL[file.slice(0, -5) as keyof typeof WGSL], file).toBe(readFileSync(`${root}shaders/${file}`, "utf8"));
  });
});
