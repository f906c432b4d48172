/**
 * The batch form of every indicator, over whole series. Two implementations
 * share this interface: `tsIndicators` (the plain TypeScript twins, the
 * reference) and `WasmIndicators` (src/kernels, the fast path). Outputs have
 * the input's length, with NaN where a value is not yet defined.
 */
import { smaSeries } from "./sma.ts";

export interface Indicators {
  sma(values: Float64Array, period: number): Float64Array;
}

export const tsIndicators: Indicators = {
  sma: smaSeries,
};
