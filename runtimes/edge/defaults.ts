/**
 * Limits that keep the worst request inside an edge isolate's memory
 * (Cloudflare Workers: 128 MB for the JS heap and WebAssembly together);
 * the platform's own variables override them. See README "Limits at the edge"
 * and bench/edge-memory.mjs, which measured them.
 */
export const EDGE_DEFAULTS: Readonly<Record<string, string>> = {
  NT_BODY_LIMIT: "2mb",
  NT_MAX_OUTPUT_VALUES: "500000",
};
