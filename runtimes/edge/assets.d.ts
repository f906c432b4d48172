// Modules esbuild's loaders make from non-JS files (runtimes/edge/build.mjs).
declare module "*.wasm" {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
declare module "*.csv" {
  const text: string;
  export default text;
}
/** Package name and version, substituted at bundle time. */
declare const __APP_INFO__: { readonly name: string; readonly version: string };
