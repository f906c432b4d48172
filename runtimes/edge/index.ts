// The neutral edge bundle (dist/edge.mjs) for hosts that allow compiling
// WebAssembly from bytes: the kernels are embedded as bytes, so the bundle
// is one file. Cloudflare and Vercel forbid that; see worker.ts and vercel.ts.
import kernels from "nt:kernels";
import { edgeFetch } from "./app.ts";

const serve = edgeFetch(kernels);

/** No client address here: behind a proxy, NT_TRUST_PROXY=true keys rate limits by X-Forwarded-For. */
export function fetch(request: Request, env: Readonly<Record<string, unknown>> = {}): Promise<Response> {
  return serve(request, env);
}

export default { fetch };
