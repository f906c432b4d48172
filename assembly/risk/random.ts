// Seeded xoshiro128** generator with normal and chi-square draws (twin:
// src/core/random.ts; both give the same stream for the same seed). The state
// lives in globals, so drawing allocates nothing.

let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;
let spare: f64 = 0;
let hasSpare = false;
let seedState: u32 = 0;

function splitmix32(): u32 {
  seedState += 0x9e3779b9;
  let z = seedState;
  z = (z ^ (z >>> 16)) * 0x21f0aaad;
  z = (z ^ (z >>> 15)) * 0x735a2d97;
  return z ^ (z >>> 15);
}

/** Restarts the stream from `seed`. */
export function seedRandom(seed: u32): void {
  seedState = seed;
  s0 = splitmix32();
  s1 = splitmix32();
  s2 = splitmix32();
  s3 = splitmix32();
  hasSpare = false;
}

// @ts-ignore: decorator
@inline function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform on [0, 1) with 53 random bits. */
export function uniform(): f64 {
  const a = nextU32() >>> 5;
  const b = nextU32() >>> 6;
  return (<f64>a * 67108864.0 + <f64>b) / 9007199254740992.0;
}

/** Standard normal by Marsaglia's polar method, keeping the pair's second value. */
export function normal(): f64 {
  if (hasSpare) {
    hasSpare = false;
    return spare;
  }
  let u: f64;
  let v: f64;
  let s: f64;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const f = Math.sqrt((-2.0 * Math.log(s)) / s);
  spare = v * f;
  hasSpare = true;
  return u * f;
}

/** Chi-square with df >= 2 degrees of freedom: 2 Gamma(df / 2) by Marsaglia and Tsang. */
export function chiSquare(df: f64): f64 {
  const d = df / 2.0 - 1.0 / 3.0;
  const c = 1.0 / Math.sqrt(9.0 * d);
  while (true) {
    let x: f64;
    let v: f64;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform();
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return 2.0 * d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) return 2.0 * d * v;
  }
  return 0; // unreachable
}
