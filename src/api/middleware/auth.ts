import type { Context, MiddlewareHandler } from "hono";
import { hasScope, sha256, type ApiKey, type ComputeRoute, type Scope } from "../../config/api-keys.ts";
import { constantTimeEqual } from "../../core/constant-time.ts";
import type { ApiEnv } from "../deps.ts";
import { ApiError } from "../errors.ts";

/** The configured keys, looked up by the secret a client presents. */
export class KeyRing {
  constructor(readonly keys: readonly ApiKey[]) {}

  /**
   * The key whose secret this is. The presented secret is hashed and
   * compared with every key's hash, all of them, in constant time, so the
   * answer's timing tells neither how close a guess came nor which key matched.
   */
  async find(secret: string): Promise<ApiKey | undefined> {
    const digest = await sha256(secret);
    let found: ApiKey | undefined;
    for (const key of this.keys) {
      if (constantTimeEqual(digest, await key.sha256) && found === undefined) found = key;
    }
    return found;
  }
}

/**
 * The key a request presents (undefined: none, null: one this server does
 * not know), looked up once per request: the rate limiter and the route's
 * check both ask. `allowQuery` also takes `?access_token=` (RFC 6750 2.3),
 * for WebSocket clients that cannot set headers.
 */
export async function presentedKey(c: Context<ApiEnv>, keys: KeyRing, allowQuery = false): Promise<ApiKey | null | undefined> {
  const secret = presentedSecret(c.req.header("authorization"), allowQuery ? c.req.query("access_token") : undefined);
  if (secret === undefined) return undefined;
  const seen = c.get("auth");
  if (seen?.secret === secret) return seen.key;
  const key = (await keys.find(secret)) ?? null;
  c.set("auth", { secret, key });
  return key;
}

function presentedSecret(header: string | undefined, query: string | undefined): string | undefined {
  if (header !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    // A malformed header is treated as no credentials: the client needs the scheme explained.
    return m ? m[1] : undefined;
  }
  return query === undefined || query === "" ? undefined : query;
}

/**
 * The owner whose jobs and sessions this key may see: its own id, or
 * undefined for an admin key, which sees every owner's.
 */
export function visibleOwner(key: Pick<ApiKey, "id" | "scopes">): string | undefined {
  return key.scopes.includes("admin") ? undefined : key.id;
}

/** The key requireScope accepted for this request. */
export function callerKey(c: Context<ApiEnv>): ApiKey {
  const key = c.get("auth")?.key;
  if (!key) throw new Error("callerKey() on a route without requireScope()");
  return key;
}

/**
 * The request must present a known key with `scope`: 401 without one or
 * with an unknown one, 403 naming the scope the key lacks, and 403 when the
 * server has no keys at all (nothing could ever pass).
 */
export function requireScope(keys: KeyRing, scope: Scope, options: { allowQueryToken?: boolean } = {}): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (keys.keys.length === 0) {
      throw new ApiError(403, "auth_not_configured",
        "this server has no API keys configured (NT_API_KEYS or NT_API_TOKEN), so routes that need one are disabled");
    }
    const key = await presentedKey(c, keys, options.allowQueryToken);
    if (key === undefined) {
      throw new ApiError(401, "unauthorized", "this route needs an API key: send Authorization: Bearer <secret>", undefined, {
        "www-authenticate": 'Bearer realm="nt"',
      });
    }
    if (key === null) {
      throw new ApiError(401, "unauthorized", "the API key is not known to this server", undefined, {
        "www-authenticate": 'Bearer realm="nt", error="invalid_token"',
      });
    }
    if (!hasScope(key, scope)) {
      throw new ApiError(403, "insufficient_scope",
        `this route needs the "${scope}" scope; the key "${key.id}" has ${key.scopes.join(", ")}`, undefined, {
          "www-authenticate": `Bearer realm="nt", error="insufficient_scope", scope="${scope}"`,
        });
    }
    await next();
  };
}

/** A stateless compute route: open when configured public, else it needs a key with the backtest scope. */
export function computeAccess(keys: KeyRing, publicRoutes: readonly ComputeRoute[], route: ComputeRoute): MiddlewareHandler<ApiEnv> {
  return publicRoutes.includes(route) ? (_c, next) => next() : requireScope(keys, "backtest");
}
