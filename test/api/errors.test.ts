import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { ApiError, handleError } from "../../src/api/errors.ts";
import { MarketDataError, RiskLimitError } from "../../src/core/errors.ts";

/** An app whose routes throw each kind of error the API can meet. */
function app(logged: unknown[]) {
  const a = new Hono();
  a.onError((err, c) => handleError(err, c, (_m, e) => logged.push(e)));
  a.get("/api", () => { throw new ApiError(429, "rate_limited", "slow down", undefined, { "retry-after": "3" }); });
  a.get("/engine", () => { throw new MarketDataError("close is not a number", { source: "x.csv", row: 7, field: "close" }); });
  a.get("/risk", () => { throw new RiskLimitError("position limit"); });
  a.get("/http", () => { throw new HTTPException(413, { message: "too big" }); });
  a.get("/bug", () => { throw new TypeError("cannot read properties of undefined (secret internals)"); });
  return a;
}

describe("handleError", () => {
  it("answers every error in the one JSON shape with the right status", async () => {
    const logged: unknown[] = [];
    const a = app(logged);
    const call = async (path: string) => {
      const res = await a.request(path);
      return { status: res.status, body: await res.json(), headers: res.headers };
    };
    const api = await call("/api");
    expect(api).toMatchObject({ status: 429, body: { error: { code: "rate_limited", message: "slow down" } } });
    expect(api.headers.get("retry-after")).toBe("3");
    expect(await call("/engine")).toMatchObject({
      status: 400, body: { error: { code: "market_data", message: "x.csv, row 7: close is not a number", field: "close" } },
    });
    expect((await call("/risk")).body).toEqual({ error: { code: "risk_limit", message: "position limit" } });
    expect((await call("/http")).body).toEqual({ error: { code: "body_too_large", message: "too big" } });
    const bug = await call("/bug");
    expect(bug).toMatchObject({ status: 500, body: { error: { code: "internal", message: "internal server error" } } });
    expect(JSON.stringify(bug.body)).not.toContain("secret");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toBeInstanceOf(TypeError);
  });
});
