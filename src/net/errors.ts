import { EngineError, type ErrorLocation } from "../core/errors.ts";

/**
 * Failures talking to a remote service. Each says which service and what
 * happened, and whether trying again may help (`transient`), which is what
 * the retry loop and the circuit breaker decide by.
 */
export abstract class NetError extends EngineError {
  /** Trying again later may succeed: a timeout, a dropped connection, a 5xx, a 429. */
  abstract readonly transient: boolean;
}

/** The service answered with an HTTP error status. */
export class HttpError extends NetError {
  readonly code = "http";
  readonly transient: boolean;
  constructor(
    message: string,
    readonly status: number,
    /** The service's own error code when its body carries one (Alpaca: 40310000, ...). */
    readonly serviceCode?: number | string,
    where?: ErrorLocation,
  ) {
    super(message, where);
    this.transient = status === 408 || status === 429 || status >= 500;
  }
}

/** 429, with the time the service asked us to wait (ms), when it said. */
export class RateLimitedError extends HttpError {
  constructor(message: string, readonly retryAfterMs?: number, where?: ErrorLocation) {
    super(message, 429, undefined, where);
  }
}

/** No answer within the time budget. */
export class TimeoutError extends NetError {
  readonly code = "timeout";
  readonly transient = true;
}

/** The connection failed or dropped before an answer (DNS, refused, reset). */
export class ConnectionError extends NetError {
  readonly code = "connection";
  readonly transient = true;
  /** False only when the request certainly never left (connection refused), so resending cannot duplicate it. */
  constructor(message: string, readonly maybeSent = true) {
    super(message);
  }
}

/** The breaker for a service is open: calls fail at once until `retryAt` (epoch ms). */
export class BreakerOpenError extends NetError {
  readonly code = "breaker_open";
  readonly transient = true;
  constructor(message: string, readonly retryAt: number) {
    super(message);
  }
}

/** The peer sent something its protocol does not allow (bad JSON, a missing field, an unknown reply). */
export class ProtocolError extends NetError {
  readonly code = "protocol";
  readonly transient = false;
}

/** The service refused our credentials; retrying with the same ones cannot help. */
export class AuthError extends NetError {
  readonly code = "auth";
  readonly transient = false;
}

/**
 * An error a stream reported in-band (Alpaca's `T:"error"` with a code,
 * Polygon's status messages). `transient` says whether reconnecting may help.
 */
export class StreamError extends NetError {
  readonly code = "stream";
  constructor(message: string, readonly streamCode: number | string, readonly transient: boolean) {
    super(message);
  }
}
