// Risk kernels: historical VaR + ES on 1,000,000 returns (selection, O(n))
// against a TypeScript version that sorts, and Monte Carlo VaR with
// 1,000,000 paths of a 10-asset portfolio. WASM and the TypeScript twins.
import os from "node:os";
import { Bench, type Task } from "tinybench";
import { WasmRisk } from "../src/kernels/risk.ts";
import { tsRisk, type MonteCarloSpec, type VaRES } from "../src/risk/stats.ts";
import { Random } from "../src/core/random.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";

const N = 1_000_000;
const ASSETS = 10;
const CONFIDENCE = 0.99;

/** The textbook way: sort a copy, type-7 quantile, then the mean below it. */
function sortedHistorical(returns: Float64Array, confidence: number): VaRES {
  const x = Float64Array.from(returns).sort();
  const index = 1 + (x.length - 1) * (1 - confidence);
  const lo = Math.floor(index);
  const h = index - lo;
  const VaR = h === 0 ? x[lo - 1] : (1 - h) * x[lo - 1] + h * x[lo];
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length && x[i] < VaR; i++) {
    sum += x[i];
    n++;
  }
  return { VaR, ES: n === 0 ? VaR : sum / n };
}

/** Daily-like returns: Student-t(4) shocks with 1% scale around 0.03%. */
function returnsSample(n: number): Float64Array {
  const rng = new Random(11);
  return new Float64Array(n).map(() => 0.0003 + 0.01 * rng.normal() * Math.sqrt(2 / rng.chiSquare(4)));
}

/** A 10-asset portfolio: vols 1%..2.8% a day, correlation 0.3, equal weights. */
function portfolioSpec(df?: number): MonteCarloSpec {
  const vol = Array.from({ length: ASSETS }, (_, i) => 0.01 + 0.002 * i);
  const covariance = new Float64Array(ASSETS * ASSETS);
  for (let i = 0; i < ASSETS; i++) {
    for (let j = 0; j < ASSETS; j++) covariance[i * ASSETS + j] = (i === j ? 1 : 0.3) * vol[i] * vol[j];
  }
  return {
    weights: new Float64Array(ASSETS).fill(1 / ASSETS), means: new Float64Array(ASSETS).fill(0.0003),
    covariance, confidence: CONFIDENCE, paths: N, seed: 42, df,
  };
}

/** The median latency of a finished task, in ms. */
function medianMs(task: Task): number {
  const result = task.result;
  if (!result || !("latency" in result)) throw new Error(`bench task "${task.name}" did not complete: ${result?.state}`);
  return result.latency.p50!;
}

export async function run(): Promise<string> {
  const wasm = await WasmRisk.load(kernelBytes("risk"));
  const returns = returnsSample(N);
  const reference = sortedHistorical(returns, CONFIDENCE);
  for (const impl of [wasm, tsRisk]) {
    const got = impl.historical(returns, CONFIDENCE);
    if (got.VaR !== reference.VaR || Math.abs(got.ES - reference.ES) > 1e-12 * Math.abs(reference.ES)) {
      throw new Error(`historical VaR/ES disagree with the sort: ${JSON.stringify(got)} vs ${JSON.stringify(reference)}`);
    }
  }

  const load = os.loadavg()[0];
  const varBench = new Bench({ iterations: 15, warmupIterations: 5, time: 0, warmupTime: 0 });
  varBench
    .add("WASM `historical` (selection)", () => void wasm.historical(returns, CONFIDENCE))
    .add("TypeScript twin (selection)", () => void tsRisk.historical(returns, CONFIDENCE))
    .add("TypeScript, sort-based", () => void sortedHistorical(returns, CONFIDENCE));
  await varBench.run();

  const mcBench = new Bench({ iterations: 5, warmupIterations: 1, time: 0, warmupTime: 0 });
  const gaussian = portfolioSpec();
  const studentT = portfolioSpec(5);
  const mcVaR = new Map<string, number>();
  mcBench
    .add("WASM, Gaussian", () => void mcVaR.set("WASM, Gaussian", wasm.monteCarlo(gaussian).VaR))
    .add("TypeScript twin, Gaussian", () => void mcVaR.set("TypeScript twin, Gaussian", tsRisk.monteCarlo(gaussian).VaR))
    .add("WASM, Student-t (df 5)", () => void mcVaR.set("WASM, Student-t (df 5)", wasm.monteCarlo(studentT).VaR))
    .add("TypeScript twin, Student-t (df 5)", () => void mcVaR.set("TypeScript twin, Student-t (df 5)", tsRisk.monteCarlo(studentT).VaR));
  await mcBench.run();

  const sortMs = medianMs(varBench.tasks.find((t) => t.name === "TypeScript, sort-based")!);
  const varRows = varBench.tasks.map((t) => {
    const ms = medianMs(t);
    return `| ${t.name} | ${ms.toFixed(2)} | ${(sortMs / ms).toFixed(1)}x | ${(10 / ms).toFixed(2)}x |`;
  });
  const mcRows = mcBench.tasks.map((t) => {
    const ms = medianMs(t);
    return `| ${t.name} | ${ms.toFixed(0)} | ${(mcVaR.get(t.name)! * 100).toFixed(3)}% | ${(1000 / ms).toFixed(2)}x |`;
  });
  return [
    `Load average when the suite started: ${load.toFixed(1)} (other processes share the cores; figures vary with it).`,
    "",
    `Historical VaR and ES at 99% on ${N.toLocaleString("en-US")} returns (Student-t(4) shocks, seed 11); median of 15 calls after 5 warm-ups.`,
    "Each call includes the input checks and, for WASM, the copy into the module's memory. Goal: under 10 ms.",
    "",
    "| implementation | ms per call | speed vs sort | vs goal (10 ms) |",
    "|---|---:|---:|---:|",
    ...varRows,
    "",
    `Monte Carlo VaR and ES at 99%: ${N.toLocaleString("en-US")} paths of a ${ASSETS}-asset portfolio (vols 1%..2.8%, correlation 0.3, equal weights, seed 42), Cholesky factor of the covariance, one core; median of 5 runs after 1 warm-up. Goal: under 1 s.`,
    "",
    "| implementation | ms per run | VaR | vs goal (1 s) |",
    "|---|---:|---:|---:|",
    ...mcRows,
  ].join("\n");
}
