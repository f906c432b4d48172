import { describe, expect, it } from "vitest";
import { CircuitOpenError, ConfigError, EngineError, MarketDataError } from "../../src/core/errors.ts";

describe("errors", () => {
  it("carry a stable code and say where the problem is", () => {
    const e = new MarketDataError("high 9 is below low 10", { source: "spy.csv", row: 42, field: "high" });
    expect(e).toBeInstanceOf(EngineError);
    expect(e.name).toBe("MarketDataError");
    expect(e.code).toBe("market_data");
    expect(e.message).toBe("spy.csv, row 42: high 9 is below low 10");
    expect([e.source, e.row, e.field]).toEqual(["spy.csv", 42, "high"]);
    expect(new ConfigError("bad", { field: "x" }).message).toBe("bad");
    expect(new CircuitOpenError("halted").code).toBe("circuit_open");
  });
});
