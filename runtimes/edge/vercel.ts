// The Vercel Edge Function (dist/vercel/lib/nt.js, served by the two-line
// api/index.js that declares the edge runtime; see build.mjs): the kernels are
// imported with `?module`, which Vercel compiles at deploy time (its Edge
// Runtime forbids compiling bytes at run time). Deploy dist/vercel as is.
import kernels from "nt:kernels";
import { edgeFetch } from "./app.ts";

const serve = edgeFetch(kernels);

/** Settings come from the project's environment variables; X-Real-IP is the client's address as Vercel saw it. */
export default function handler(request: Request): Promise<Response> {
  return serve(request, process.env, request.headers.get("x-real-ip") ?? undefined);
}
