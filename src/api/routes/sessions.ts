import type { ApiApp, AppState } from "../context.ts";
import { shownKey } from "../../core/errors.ts";
import { ApiError, invalid, notFound } from "../errors.ts";
import { BACKTEST_FIELDS, backtestRequest } from "../input/backtest.ts";
import { seriesFromRequest } from "../input/data.ts";
import { number, onlyKeys, readJsonObject } from "../input/validate.ts";
import { bearerAuth } from "../middleware/auth.ts";
import type { PaperSession } from "../sessions.ts";

export const MAX_BARS_PER_SECOND = 10_000;

/**
 * Paper sessions: a series replayed through the engine at a set pace, with
 * its state readable over HTTP and its events streamed over a WebSocket.
 * Every route needs the bearer token; the stream also takes it as
 * ?access_token= because browsers cannot set headers on a WebSocket.
 */
export function sessionRoutes(app: ApiApp, state: AppState): void {
  const token = state.deps.config.apiToken;
  const auth = bearerAuth({ token });

  const find = (id: string): PaperSession => {
    const session = state.sessions.get(id);
    if (!session) throw notFound(`no paper session ${shownKey(id)}`);
    return session;
  };

  app.post("/sessions", auth, async (c) => {
    const body = await readJsonObject(c.req);
    onlyKeys(body, [...BACKTEST_FIELDS, "barsPerSecond"]);
    const req = backtestRequest(body);
    if (body.barsPerSecond === undefined) throw invalid("barsPerSecond", "is required (bars replayed per second)");
    const pace = number(body.barsPerSecond, "barsPerSecond", { min: 0.01, max: MAX_BARS_PER_SECOND });
    const series = await seriesFromRequest(body, state.samples);
    const session = state.sessions.start(series, req, pace);
    return c.json(session.view(), 201, { location: `/sessions/${session.id}` });
  });

  app.get("/sessions", auth, (c) => c.json({ sessions: state.sessions.list().map((s) => s.view()) }));

  app.get("/sessions/:id", auth, (c) => c.json(find(c.req.param("id")).view()));

  app.get("/sessions/:id/positions", auth, (c) => {
    const snap = find(c.req.param("id")).snapshot();
    return c.json({ time: snap.time, cash: snap.cash, equity: snap.equity, positions: snap.positions });
  });

  app.get("/sessions/:id/orders", auth, (c) => {
    const snap = find(c.req.param("id")).snapshot();
    return c.json({ open: snap.openOrders, fills: snap.fills });
  });

  app.delete("/sessions/:id", auth, (c) => {
    const session = find(c.req.param("id"));
    session.stop();
    return c.json(session.view());
  });

  app.get("/sessions/:id/stream", bearerAuth({ token, allowQueryToken: true }), async (c) => {
    const session = find(c.req.param("id"));
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "upgrade_required", "this route is a WebSocket; connect with Upgrade: websocket", undefined, { upgrade: "websocket" });
    }
    const upgrade = c.env?.upgradeSocket;
    if (!upgrade) throw new ApiError(501, "websocket_unsupported", "this runtime serves no WebSockets; poll GET /sessions/:id instead");
    return upgrade((socket) => session.subscribe(socket));
  });
}
