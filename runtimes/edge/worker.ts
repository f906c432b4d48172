// The Cloudflare Worker (dist/edge/worker.mjs): the kernels are .wasm modules
// beside it, compiled by the platform at deploy time (Workers forbid compiling
// bytes at run time). Deploy with runtimes/edge/wrangler.toml.
import kernels from "nt:kernels";
import { edgeFetch } from "./app.ts";

const serve = edgeFetch(kernels);

export default {
  /** `env` holds the Worker's vars and secrets; CF-Connecting-IP is set by Cloudflare and cannot be forged by the client. */
  fetch(request: Request, env: Readonly<Record<string, unknown>>): Promise<Response> {
    return serve(request, env, request.headers.get("cf-connecting-ip") ?? undefined);
  },
};
