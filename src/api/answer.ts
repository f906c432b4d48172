import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An HTTP answer as plain data: what a route computes, wherever it ran. A
 * compute worker sends one back to the main thread (its body as bytes), so
 * the answer is the same to the byte on every path.
 */
export interface Answer {
  readonly status: ContentfulStatusCode;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array<ArrayBuffer>;
}

export function jsonAnswer(value: unknown): Answer {
  // The content type Hono's c.json sets, so answers are unchanged from when the routes used it.
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

export function answerResponse(answer: Answer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
