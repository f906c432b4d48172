import type { CircuitBreaker } from "./breaker.ts";
import { ConnectionError, HttpError, NetError, RateLimitedError, TimeoutError } from "./errors.ts";
import { backoffMs, defaultRetryPolicy, serverWaitMs, type RetryPolicy } from "./retry.ts";
import { sleep, systemTimers, type Timers } from "./timers.ts";

/** The host's fetch, injected: every runtime has one, and tests point it at a local server. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  /** Named in every error ("Alpaca trading", "Polygon"). */
  readonly name: string;
  /** Base URL the paths are resolved against, e.g. https://paper-api.alpaca.markets. */
  readonly baseUrl: string;
  readonly fetch?: Fetch;
  /** Sent with every request (API keys). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timers?: Timers;
  /** One attempt's budget, connect to last byte (ms). */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Shared by every request to this service; none: no breaker. */
  readonly breaker?: CircuitBreaker;
  /** For the jitter; injected so tests are deterministic. */
  readonly random?: () => number;
  /**
   * Pulls the service's message and code out of an error body, so an error
   * reads "insufficient buying power" rather than "HTTP 403".
   */
  readonly describeError?: (body: unknown) => { message?: string; code?: number | string };
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /**
   * Whether sending the request twice is harmless. GET, DELETE and PUT are;
   * a POST is only when it carries its own idempotency key (an order's
   * client_order_id, which the broker refuses to accept twice). Requests
   * that are not idempotent are retried only when they certainly did not
   * reach the service (429, breaker open), never after a timeout or a 5xx.
   */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Parsed JSON, the text when it is not JSON, undefined when empty. */
  readonly body: unknown;
  readonly headers: Headers;
}

/**
 * JSON over HTTP with the resilience a broker needs: a timeout per attempt,
 * retries with backoff and jitter for transient failures, 429s honoured for
 * as long as the service asks (Retry-After or X-Ratelimit-Reset), and a
 * circuit breaker shared by all requests to the service.
 */
export class HttpClient {
  readonly name: string;
  private readonly base: string;
  private readonly fetchFn: Fetch;
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.name = options.name;
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timers = options.timers ?? systemTimers;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.random = options.random ?? Math.random;
  }

  get(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<HttpResponse> {
    return this.request("GET", path, { idempotent: true, ...options });
  }

  /** Requests `path` (relative to the base URL, or absolute, as a next_url is). */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.url(path, options.query);
    const idempotent = options.idempotent ?? (method === "GET" || method === "DELETE" || method === "PUT");
    const what = `${this.name}: ${method} ${new URL(url).pathname}`;
    for (let attempt = 0; ; attempt++) {
      let error: NetError;
      let waitMs: number | undefined;
      let reached = true;
      // An open breaker throws here: nothing was sent, and waiting it out is the caller's choice.
      this.options.breaker?.admit();
      try {
        const response = await this.attempt(method, url, options, what);
        if (response.status < 400) {
          this.options.breaker?.success();
          return response;
        }
        error = this.httpError(response, what);
        if (response.status >= 500) this.options.breaker?.failure();
        else this.options.breaker?.success();
        if (error instanceof RateLimitedError) {
          reached = false;
          waitMs = error.retryAfterMs;
        }
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        if (!(e instanceof HttpError)) this.options.breaker?.failure();
        error = e;
        // A refused connection never reached the service; a timeout or reset might have.
        if (e instanceof ConnectionError && !e.maybeSent) reached = false;
      }
      // A wait longer than we will honour fails now, with the wait in the message, rather than stalling the caller.
      const tooLong = waitMs !== undefined && waitMs > this.retry.maxServerWaitMs;
      const mayRetry = error.transient && (idempotent || !reached) && attempt < this.retry.retries && !tooLong;
      if (!mayRetry) throw error;
      await sleep(this.timers, waitMs ?? backoffMs(attempt, this.retry, this.random), options.signal);
    }
  }

  private url(path: string, query: RequestOptions["query"]): string {
    const url = new URL(/^https?:\/\//.test(path) ? path : this.base + (path.startsWith("/") ? path : `/${path}`));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** One try: fetch and read the whole body, all within the timeout. */
  private async attempt(method: string, url: string, options: RequestOptions, what: string): Promise<HttpResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort(options.signal!.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const headers: Record<string, string> = { accept: "application/json", ...this.options.headers };
      if (options.body !== undefined) headers["content-type"] = "application/json";
      const response = await this.fetchFn(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
      });
      const text = await response.text();
      return { status: response.status, body: parseBody(text), headers: response.headers };
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timedOut) throw new TimeoutError(`${what} got no answer within ${this.timeoutMs} ms`);
      const cause = connectionCause(e);
      throw new ConnectionError(`${what} failed: ${cause}`, cause !== "connection refused");
    } finally {
      this.timers.clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  private httpError(response: HttpResponse, what: string): HttpError {
    const said = this.options.describeError?.(response.body) ?? genericDescription(response.body);
    const detail = said.message ? `: ${said.message}` : "";
    if (response.status === 429) {
      const wait = serverWaitMs(response.headers, this.timers.now());
      const hint = wait === undefined ? "" : ` (the service asks to wait ${Math.ceil(wait / 1000)} s)`;
      return new RateLimitedError(`${what} was rate limited (HTTP 429)${detail}${hint}`, wait);
    }
    return new HttpError(`${what} answered HTTP ${response.status}${detail}`, response.status, said.code);
  }
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A message from the usual error shapes: {message}, {error}, {msg}, or short plain text. */
function genericDescription(body: unknown): { message?: string; code?: number | string } {
  if (typeof body === "string") return { message: body.slice(0, 200) };
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const message = [b.message, b.error, b.msg].find((m) => typeof m === "string") as string | undefined;
    const code = typeof b.code === "number" || typeof b.code === "string" ? b.code : undefined;
    return { message: message?.slice(0, 200), code };
  }
  return {};
}

/** fetch's errors hide the cause differently per runtime; find the most telling words. */
function connectionCause(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset";
  return err?.cause?.message ?? err?.message ?? String(e);
}
