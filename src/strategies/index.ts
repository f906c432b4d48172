import { shown, StrategyError } from "../core/errors.ts";
import { meanReversion } from "./mean-reversion.ts";
import { mirror } from "./mirror.ts";
import { momentum } from "./momentum.ts";
import { neuralForecast } from "./neural-forecast.ts";
import { neuralSentiment } from "./neural-sentiment.ts";
import { pairs } from "./pairs.ts";
import type { StrategyDefinition } from "./strategy.ts";

export type { BookStrategy, Strategy, StrategyContext, StrategyData, StrategyDefinition, StrategyInputs, StrategyParams, ParamSpec } from "./strategy.ts";

/** Every built-in strategy, by name. */
export const strategies: readonly StrategyDefinition[] = [momentum, meanReversion, neuralForecast, neuralSentiment, pairs, mirror];

export function getStrategy(name: string): StrategyDefinition {
  const def = strategies.find((s) => s.name === name);
  if (!def) {
    throw new StrategyError(`unknown strategy ${shown(name)}; known: ${strategies.map((s) => s.name).join(", ")}`, { field: "strategy" });
  }
  return def;
}
