/**
 * API keys as the server keeps them: an id, scopes, and the SHA-256 of the
 * secret, never the secret itself. Shared by the config loader, which builds
 * them, and the API's auth middleware, which checks requests against them.
 */

/** What a key may do: read its own state, run backtests, trade (paper sessions), or anything (admin). */
export const SCOPES = ["read", "backtest", "trade", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  /** Names the key in errors and logs, and owns the jobs and sessions it creates. */
  readonly id: string;
  readonly scopes: readonly Scope[];
  /**
   * SHA-256 of the secret. A promise because WebCrypto hashes asynchronously
   * (in every runtime): a plain secret from the environment or the file is
   * hashed as the config loads, and only this digest is kept.
   */
  readonly sha256: Promise<Uint8Array>;
}

/** Whether the key has the scope; admin has every one. */
export function hasScope(key: Pick<ApiKey, "scopes">, scope: Scope): boolean {
  return key.scopes.includes(scope) || key.scopes.includes("admin");
}

/** The id of the key NT_API_TOKEN (or `[auth] token`) defines: one admin key, as the single token was. */
export const TOKEN_KEY_ID = "token";

/**
 * The routes that keep nothing between requests and so may be served without
 * a key; by default all of them are. Jobs (/backtests) and paper sessions
 * (/sessions) always need one: what they keep belongs to the key that made it.
 */
export const COMPUTE_ROUTES = ["/indicators", "/risk", "/optimize", "/backtest", "/forecast"] as const;
export type ComputeRoute = (typeof COMPUTE_ROUTES)[number];

export function sha256(text: string): Promise<Uint8Array> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then((d) => new Uint8Array(d));
}

/** A key whose secret is given in plain: hashed now, the secret dropped. */
export function keyFromSecret(id: string, scopes: readonly Scope[], secret: string): ApiKey {
  return { id, scopes, sha256: sha256(secret) };
}

/** A key given by the hex SHA-256 of its secret (64 hex digits, checked by the caller). */
export function keyFromHash(id: string, scopes: readonly Scope[], hex: string): ApiKey {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { id, scopes, sha256: Promise.resolve(bytes) };
}
