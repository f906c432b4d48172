/** Path of the generated module, from the repository root. */
export const GENERATED: string;
/** The text of src/gpu/shader-sources.ts for the current shaders/*.wgsl. */
export function shaderSourcesModule(): string;
