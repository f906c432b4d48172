// The indicator kernels module: build/indicators.wasm. ABI: every pointer is a
// byte address of a float64 array reserved with reserve(); n is the length.
export { reserve, resetArena, firstNonFinite } from "./lib/arena";
export { sma } from "./indicators/sma";
export { ema } from "./indicators/ema";
export { wma } from "./indicators/wma";
export { rsi } from "./indicators/rsi";
export { macd } from "./indicators/macd";
export { bbands } from "./indicators/bbands";
export { roc } from "./indicators/roc";
export { cci } from "./indicators/cci";
export { atr } from "./indicators/atr";
export { adx } from "./indicators/adx";
export { stoch } from "./indicators/stoch";
export { obv } from "./indicators/obv";
export { vwap } from "./indicators/vwap";
export { willr } from "./indicators/willr";
export { selfTest, selfCheck } from "./indicators/selfcheck";
