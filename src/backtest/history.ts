import { barAt, type Bar, type BarSeries, type BarHistory } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";

/**
 * The bars a strategy may see. The engine advances `length` one bar at a
 * time; asking for a bar beyond it is look-ahead and fails the run.
 */
export class SeriesHistory implements BarHistory {
  length = 0;

  // A true private field: a strategy cannot reach the whole series at run time.
  readonly #series: BarSeries;

  constructor(series: BarSeries) {
    this.#series = series;
  }

  at(i: number): Bar {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new StrategyError(
        `history.at(${i}) is outside the bars seen so far (0..${this.length - 1}); a strategy cannot look ahead`,
        { field: "history" },
      );
    }
    return barAt(this.#series, i);
  }
}
