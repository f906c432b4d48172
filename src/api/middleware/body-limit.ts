import type { MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import type { ApiEnv } from "../deps.ts";
import { shown } from "../../core/errors.ts";
import { ApiError } from "../errors.ts";

/**
 * 413 for request bodies over `maxBytes`. A declared Content-Length is
 * checked from the header alone, so the body is never touched here (some
 * adapters, @hono/node-server among them, then read it on a fast path that
 * skips building a web-standard stream); a chunked body is counted as it
 * streams in by Hono's own middleware. GET, HEAD and OPTIONS carry no body
 * the app reads, so they pass straight through.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<ApiEnv> {
  const tooLarge = () => new ApiError(413, "body_too_large", `the request body exceeds the limit of ${maxBytes} bytes`);
  const streaming = streamingBodyLimit({ maxSize: maxBytes, onError: () => { throw tooLarge(); } });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (!/^\d+$/.test(length)) throw new ApiError(400, "invalid_content_length", `Content-Length must be a byte count, got ${shown(length)}`);
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    return streaming(c, next);
  };
}
