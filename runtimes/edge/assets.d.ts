// Modules the edge builds make (runtimes/edge/build.mjs): the sample series as
// text, the forecasting weights as bytes, and the kernels, imported the way each platform needs them.
declare module "*.csv" {
  const text: string;
  export default text;
}
declare module "*.safetensors" {
  const bytes: Uint8Array;
  export default bytes;
}
declare module "nt:kernels" {
  const kernels: import("../../src/api/kernels.ts").KernelSources;
  export default kernels;
}
/** Package name and version, substituted at bundle time. */
declare const __APP_INFO__: { readonly name: string; readonly version: string };
