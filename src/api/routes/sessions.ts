import type { Context } from "hono";
import { shownKey } from "../../core/errors.ts";
import type { ApiApp, AppState } from "../context.ts";
import type { ApiEnv } from "../deps.ts";
import { ApiError, invalid, notFound } from "../errors.ts";
import { BACKTEST_FIELDS, backtestRequest } from "../input/backtest.ts";
import { seriesFromRequest } from "../input/data.ts";
import { number, onlyKeys, readJsonObject, type JsonObject } from "../input/validate.ts";
import { callerKey, requireScope, visibleOwner } from "../middleware/auth.ts";
import type { PaperSession } from "../sessions.ts";

export const MAX_BARS_PER_SECOND = 10_000;

/**
 * Paper sessions: a series replayed through the engine at a set pace, with
 * its state readable over HTTP and its events streamed over a WebSocket.
 * Starting and stopping one needs a key with the trade scope, reading one
 * the read scope; a session belongs to the key that started it, and another
 * key (unless admin) gets a 404, so ids do not leak. The stream also takes
 * the key as ?access_token= because browsers cannot set headers on a WebSocket.
 */
export function sessionRoutes(app: ApiApp, state: AppState): void {
  const { keys } = state;
  const read = requireScope(keys, "read");
  const trade = requireScope(keys, "trade");

  const find = (c: Context<ApiEnv>): PaperSession => findSession(state, c.req.param("id")!, visibleOwner(callerKey(c)));

  // Sessions kept in storage come back when the app starts; answer once they have.
  const restored = async (_c: Context<ApiEnv>, next: () => Promise<void>) => {
    await state.sessions.ready;
    await next();
  };
  app.use("/sessions", restored);
  app.use("/sessions/*", restored);

  app.post("/sessions", trade, async (c) => {
    const session = await startSession(state, await readJsonObject(c.req), callerKey(c).id);
    return c.json(session.view(), 201, { location: `/sessions/${session.id}` });
  });

  app.get("/sessions", read, (c) => c.json({ sessions: state.sessions.list(visibleOwner(callerKey(c))).map((s) => s.view()) }));

  app.get("/sessions/:id", read, (c) => c.json(find(c).view()));

  app.get("/sessions/:id/positions", read, (c) => {
    const snap = find(c).snapshot();
    return c.json({ time: snap.time, cash: snap.cash, equity: snap.equity, positions: snap.positions });
  });

  app.get("/sessions/:id/orders", read, (c) => {
    const snap = find(c).snapshot();
    return c.json({ open: snap.openOrders, fills: snap.fills });
  });

  app.delete("/sessions/:id", trade, (c) => {
    const session = find(c);
    session.stop();
    return c.json(session.view());
  });

  app.get("/sessions/:id/stream", requireScope(keys, "read", { allowQueryToken: true }), async (c) => {
    const session = find(c);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "this route is a WebSocket; connect with Upgrade: websocket", undefined, { upgrade: "websocket" });
    }
    const upgrade = c.env?.upgradeSocket;
    if (!upgrade) throw new ApiError(501, "websocket_unsupported", "this runtime serves no WebSockets; poll GET /sessions/:id instead");
    return upgrade((socket) => session.subscribe(socket));
  });
}

/** A paper session from a POST /sessions body, owned by `owner`; errors name the body's field at fault. */
export async function startSession(state: AppState, body: JsonObject, owner: string): Promise<PaperSession> {
  onlyKeys(body, [...BACKTEST_FIELDS, "barsPerSecond"]);
  const req = backtestRequest(body);
  if (body.barsPerSecond === undefined) throw invalid("barsPerSecond", "is required (bars replayed per second)");
  const pace = number(body.barsPerSecond, "barsPerSecond", { min: 0.01, max: MAX_BARS_PER_SECOND });
  const series = await seriesFromRequest(body, state.samples);
  return state.sessions.start(series, req, pace, owner);
}

/** The session with this id that `owner` may see (undefined: any owner's), else a 404 that does not tell whether it exists. */
export function findSession(state: AppState, id: string, owner: string | undefined): PaperSession {
  const session = state.sessions.get(id, owner);
  if (!session) throw notFound(`no paper session ${shownKey(id)}`);
  return session;
}
