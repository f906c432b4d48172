import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EngineError } from "../core/errors.ts";
import { answerResponse, type Answer } from "./answer.ts";

/** The one error shape every route answers with. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

/**
 * An error with its HTTP status and JSON body. Routes and middleware throw it;
 * the app's onError handler turns it (and EngineError, and anything else)
 * into a response, so no handler builds error responses by hand.
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }

  override getResponse(): Response {
    return answerResponse(errorAnswer(this.status as ContentfulStatusCode, this.code, this.message, this.field, this.headers));
  }
}

/** A request field with the wrong type, range or size: 400 naming the field. */
export function invalid(field: string, message: string): ApiError {
  return new ApiError(400, "validation", `${field} ${message}`, field);
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", what);
}

export function errorResponse(
  status: ContentfulStatusCode, code: string, message: string, field?: string, headers: Record<string, string> = {},
): Response {
  return answerResponse(errorAnswer(status, code, message, field, headers));
}

/** The same error as bytes-to-be (a compute worker sends it back in this form). */
export function errorAnswer(
  status: ContentfulStatusCode, code: string, message: string, field?: string, headers: Record<string, string> = {},
): Answer {
  const body: ErrorBody = { error: field === undefined ? { code, message } : { code, message, field } };
  return { status, headers: { "content-type": "application/json; charset=UTF-8", ...headers }, body: JSON.stringify(body) };
}

/**
 * What an error answers when it is the client's: ApiError keeps its status;
 * an EngineError (bad data, unknown strategy, parameter out of range) is 400
 * with its code and field. Undefined for anything else: that one is ours.
 */
export function clientErrorAnswer(err: unknown): Answer | undefined {
  if (err instanceof ApiError) return errorAnswer(err.status as ContentfulStatusCode, err.code, err.message, err.field, err.headers);
  if (err instanceof EngineError) return errorAnswer(400, err.code, err.message, err.field);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return errorAnswer(status, status === 413 ? "body_too_large" : "http_error", err.message || "request failed");
  }
  return undefined;
}

/** A 500 without internals. */
export const internalErrorAnswer = (): Answer => errorAnswer(500, "internal", "internal server error");

/** The app's onError: a client's error answers as clientErrorAnswer says; anything else is logged and a 500. */
export function handleError(err: Error, c: Context, log: (message: string, err: unknown) => void): Response {
  const answer = clientErrorAnswer(err);
  if (answer) return answerResponse(answer);
  log(`${c.req.method} ${new URL(c.req.url).pathname} failed`, err);
  return answerResponse(internalErrorAnswer());
}
