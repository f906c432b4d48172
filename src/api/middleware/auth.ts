import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "../deps.ts";
import { ApiError } from "../errors.ts";

export interface BearerAuthOptions {
  /** The configured token; without one, protected routes are refused outright. */
  token?: string;
  /** Also accept `?access_token=` (RFC 6750 2.3), for WebSocket clients that cannot set headers. */
  allowQueryToken?: boolean;
}

/**
 * Bearer-token auth for routes that trade or change state: 401 without
 * credentials, 403 with the wrong ones or when the server has no token
 * configured. Tokens are compared in constant time.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler<ApiEnv> {
  const expected = options.token === undefined ? undefined : new TextEncoder().encode(options.token);
  return async (c, next) => {
    if (expected === undefined) {
      throw new ApiError(403, "auth_not_configured", "this server has no API token configured (NT_API_TOKEN), so routes that trade are disabled");
    }
    const given = presentedToken(c.req.header("authorization"), options.allowQueryToken ? c.req.query("access_token") : undefined);
    if (given === undefined) {
      throw new ApiError(401, "unauthorized", "this route needs an Authorization: Bearer <token> header", undefined, {
        "www-authenticate": 'Bearer realm="nt"',
      });
    }
    if (!constantTimeEqual(new TextEncoder().encode(given), expected)) {
      throw new ApiError(403, "forbidden", "the bearer token is not valid for this server");
    }
    await next();
  };
}

function presentedToken(header: string | undefined, query: string | undefined): string | undefined {
  if (header !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    // A malformed header is treated as no credentials: the client needs the scheme explained.
    return m ? m[1] : undefined;
  }
  return query === undefined || query === "" ? undefined : query;
}

/** Time depends on the lengths only, never on where the bytes first differ. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}
