// Structured logs with levels: one JSON object a line ({time, level, msg,
// ...fields}) for machines, or a short text line for a terminal. Where the
// lines go is the host's business (a runtime passes `write`).
import { systemClock } from "../core/clock.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "off"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** The least severe level written (default info); "off" writes nothing. */
  readonly level?: LogLevel;
  readonly format?: "json" | "text";
  /** Receives each line, newline included. */
  readonly write: (line: string) => void;
  /** Epoch ms (default Date.now), so tests can fix it. */
  readonly now?: () => number;
}

/** Writes nothing: the default wherever no host asked for logs (the library, the tab). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function createLogger(o: LoggerOptions): Logger {
  const min = LOG_LEVELS.indexOf(o.level ?? "info");
  const now = o.now ?? systemClock.now;
  const emit = (level: Exclude<LogLevel, "off">) => (msg: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const time = new Date(now()).toISOString();
    if (o.format === "text") {
      const extra = Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(plain(v))}`).join(" ");
      o.write(`${time} ${level.toUpperCase()} ${msg}${extra ? ` ${extra}` : ""}\n`);
      return;
    }
    const record: Record<string, unknown> = { time, level, msg };
    for (const [k, v] of Object.entries(fields)) if (!(k in record)) record[k] = plain(v);
    o.write(JSON.stringify(record) + "\n");
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** An Error as data (JSON.stringify would drop its message and stack). */
function plain(v: unknown): unknown {
  return v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
}
