// The strategies the vectorized path knows: how each computes its signals
// from indicator series held by a session, and the reason text its orders
// carry (the same words as the strategy's own signals, src/strategies).
import type { StrategyParams } from "../../strategies/strategy.ts";
import type { VectorSession } from "./kernels.ts";

export interface VectorForm {
  /** Writes the run's signals into the session; returns the reason a decision on bar i gives. */
  signals(session: VectorSession, close: Float64Array, p: StrategyParams): (bar: number) => string;
}

export const VECTOR_FORMS: Readonly<Record<string, VectorForm>> = {
  momentum: {
    signals(session, _close, p) {
      const [fast, slow, rsiPeriod] = [p.fast as number, p.slow as number, p.rsiPeriod as number];
      const f = session.sma(fast);
      const s = session.sma(slow);
      const r = session.rsi(rsiPeriod);
      // Decisions start once the slow SMA (slow bars) and RSI (rsiPeriod + 1 bars) are defined.
      session.momentumSignals(f, s, r, Math.max(slow - 1, rsiPeriod), p.rsiMax as number, p.allowShort as boolean);
      return (i) => {
        const [fv, sv] = [session.at(f, i), session.at(s, i)];
        return `SMA(${fast}) ${fv > sv ? "above" : "below"} SMA(${slow}), RSI ${session.at(r, i).toFixed(1)}`;
      };
    },
  },
  "mean-reversion": {
    signals(session, close, p) {
      const period = p.period as number;
      const { middle, width } = session.bands(period);
      session.meanReversionSignals(middle, width, period - 1, p.entryZ as number, p.exitZ as number, p.allowShort as boolean);
      return (i) => `z-score ${((close[i] - session.at(middle, i)) / session.at(width, i)).toFixed(2)} vs ${period}-bar mean`;
    },
  },
};
