// The indicator kernels module: build/indicators.wasm. ABI: every pointer is a
// byte address of a float64 array reserved with reserve(); n is the length.
export { reserve, resetArena } from "./lib/arena";
export { sma } from "./indicators/sma";
