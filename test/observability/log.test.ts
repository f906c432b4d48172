import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/log.ts";

const at = Date.UTC(2026, 11, 4, 12, 0, 0);

describe("structured logs", () => {
  it("writes one JSON object a line with time, level, message and fields, at or above the level", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", write: (l) => lines.push(l), now: () => at });
    log.debug("not shown");
    log.info("listening", { port: 8787 });
    log.error("job failed", { error: new RangeError("bad") });
    expect(lines.every((l) => l.endsWith("\n"))).toBe(true);
    const [info, error] = lines.map((l) => JSON.parse(l));
    expect(info).toEqual({ time: "2026-12-04T12:00:00.000Z", level: "info", msg: "listening", port: 8787 });
    expect(error).toMatchObject({ level: "error", msg: "job failed", error: { name: "RangeError", message: "bad" } });
    expect(lines).toHaveLength(2);
  });

  it("keeps its own keys when a field has the same name, writes text on request, and nothing when off", () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), now: () => at }).warn("w", { level: "spoofed", msg: "x", n: 1 });
    expect(JSON.parse(lines[0])).toEqual({ time: "2026-12-04T12:00:00.000Z", level: "warn", msg: "w", n: 1 });
    createLogger({ format: "text", write: (l) => lines.push(l), now: () => at }).info("ready", { port: 1 });
    expect(lines[1]).toBe("2026-12-04T12:00:00.000Z INFO ready port=1\n");
    createLogger({ level: "off", write: (l) => lines.push(l) }).error("silent");
    expect(lines).toHaveLength(2);
  });
});
