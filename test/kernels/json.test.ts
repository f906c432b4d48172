// build/json.wasm writes doubles as JSON; every byte must equal what
// JSON.stringify writes, for every double. Property tests (fast-check,
// seeded) cover bit patterns over the whole range, integers, decimal values
// with few digits (where the shortest form is hardest to find), extreme
// exponents, subnormals and powers of two (an asymmetric rounding interval).
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonText, tsJson } from "../../src/api/json.ts";
import { MAX_KERNEL_ANSWER_BYTES, WasmJson, type JsonExports } from "../../src/kernels/json.ts";
import { root, wasmBytes } from "../helpers.ts";

const SEED = 20181;
/** Doubles per array; every run writes one array in one kernel call. */
const LENGTH = 1000;
const RUNS = 100;

let json: WasmJson;
let k: JsonExports;
let src = 0;
let dst = 0;

beforeAll(async () => {
  json = await WasmJson.load(wasmBytes("json"), tsJson);
  k = json.k;
  src = k.reserve(8 * LENGTH) >>> 0;
  // Room for the longest text and the 64 bytes the kernel may write past its end.
  dst = k.reserve(2 + 26 * LENGTH + 64) >>> 0;
});

/** The kernel's text for the values, written by one writeNumbers call. */
function kernelText(values: readonly number[]): string {
  new Float64Array(k.memory.buffer, src, values.length).set(values);
  const n = k.writeNumbers(src, values.length, dst);
  return new TextDecoder().decode(new Uint8Array(k.memory.buffer, dst, n));
}

/** Equal to JSON.stringify, or fails naming the first value that differs (what fast-check then shrinks). */
function sameAsStringify(values: readonly number[]): void {
  const text = kernelText(values);
  if (text === JSON.stringify(values)) return;
  const i = values.findIndex((v) => kernelText([v]) !== JSON.stringify([v]));
  const v = values[i] ?? NaN;
  throw new Error(`${Object.is(v, -0) ? "-0" : String(v)} (bits ${bits(v)}): kernel ${kernelText([v])}, JSON.stringify ${JSON.stringify([v])}`);
}

function bits(v: number): string {
  return new BigUint64Array(Float64Array.of(v).buffer)[0].toString(16).padStart(16, "0");
}

const fromBits = (b: bigint) => new Float64Array(BigUint64Array.of(b).buffer)[0];
const arrays = (value: fc.Arbitrary<number>) => fc.array(value, { minLength: LENGTH, maxLength: LENGTH });

const KINDS: [string, fc.Arbitrary<number>][] = [
  ["any bit pattern (NaN payloads, infinities, both zeros included)", fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(fromBits)],
  ["fast-check doubles (biased to edge values)", fc.double()],
  ["integers up to 2^53, and to 1e23 (past the fixed-notation limit of 1e21)",
    fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(10n ** 23n), max: 10n ** 23n }).map(Number))],
  ["short decimals (up to 17 digits) at any exponent, as parsed from text",
    fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.integer({ min: -345, max: 310 }), fc.boolean()).map(([m, e, neg]) => Number(`${neg ? "-" : ""}${m}e${e}`))],
  ["prices and their moving averages (4-6 decimals, then arithmetic noise)",
    fc.tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 1, max: 97 })).chain(([p, n]) => fc.constantFrom(p / 1e4, p / 1e6, (p / 1e4) / n, (p / 1e4) * 1.1))],
  ["around 1e-7 and 1e21, where the notation changes",
    fc.tuple(fc.constantFrom(1e-7, 1e-6, 1e21, 1e20), fc.integer({ min: -1000, max: 1000 })).map(([x, d]) => x + d * x * Number.EPSILON)],
  ["subnormals", fc.bigInt({ min: 1n, max: 2n ** 52n - 1n }).chain((m) => fc.boolean().map((neg) => fromBits(m | (neg ? 1n << 63n : 0n))))],
  ["powers of two and their neighbours (the lower interval end is closer)",
    fc.tuple(fc.integer({ min: -1074, max: 1023 }), fc.integer({ min: -2, max: 2 })).map(([e, d]) => fromBits(BigInt.asUintN(64, new BigUint64Array(Float64Array.of(2 ** e).buffer)[0] + BigInt(d))))],
];

describe("json.wasm", () => {
  it("imports nothing, and its tables are what scripts/gen-ryu-tables.mjs computes", () => {
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes("json") as BufferSource))).toEqual([]);
    execFileSync(process.execPath, ["scripts/gen-ryu-tables.mjs", "--check"], { cwd: root });
  });

  it("writes hand-picked doubles exactly as JSON.stringify does", () => {
    const cases: [number, string][] = [
      [0, "0"], [-0, "0"], [1, "1"], [-1.5, "-1.5"], [0.1 + 0.2, "0.30000000000000004"], [1 / 3, "0.3333333333333333"],
      [1e21, "1e+21"], [1e20, "100000000000000000000"], [123456789012345680000, "123456789012345680000"],
      [1e-7, "1e-7"], [1.5e-7, "1.5e-7"], [1e-6, "0.000001"], [-1.2345678901234567e-6, "-0.0000012345678901234567"],
      [5e-324, "5e-324"], [-5e-324, "-5e-324"], [2.2250738585072014e-308, "2.2250738585072014e-308"], [2.225073858507201e-308, "2.225073858507201e-308"],
      [Number.MAX_VALUE, "1.7976931348623157e+308"], [Number.MAX_SAFE_INTEGER, "9007199254740991"], [2 ** 53, "9007199254740992"],
      [2 ** 53 + 2, "9007199254740994"], [1e23, "1e+23"], [9.999999999999997e22, "9.999999999999997e+22"], [1.0000000000000001e23, "1.0000000000000001e+23"], [2 ** 63, "9223372036854776000"],
      [1455.219971, "1455.219971"], [946857600000, "946857600000"], [100, "100"], [0.5, "0.5"], [1e-5, "0.00001"], [123e-20, "1.23e-18"],
      [NaN, "null"], [Infinity, "null"], [-Infinity, "null"],
    ];
    for (const [v, text] of cases) {
      expect(JSON.stringify(v), `JSON.stringify(${v})`).toBe(text);
      expect(kernelText([v]), `kernel(${v})`).toBe(`[${text}]`);
    }
    expect(kernelText([])).toBe("[]");
    // The longest text a double gets: 25 bytes, as MAX_NUMBER_BYTES in assembly/json/write.ts assumes.
    const p = k.reserve(25 + 64) >>> 0;
    expect(k.writeNumber(-1.2345678901234567e-6, p)).toBe(25);
  });

  it("writes nothing before dst and at most 64 bytes past the text it returns", () => {
    const values = [1.2345678901234567e-6, 123456789012345680000, 1e21, 5e-324, 1, 0.1, -1455.219971, 12345678901234567];
    for (const v of values) {
      const area = new Uint8Array(k.memory.buffer, dst - 64, 256);
      area.fill(0xee);
      new Float64Array(k.memory.buffer, src, 1)[0] = v;
      const n = k.writeNumbers(src, 1, dst);
      expect(area.subarray(0, 64).every((b) => b === 0xee), `before ${v}`).toBe(true);
      expect(area.subarray(64 + n + 64).every((b) => b === 0xee), `after ${v}`).toBe(true);
    }
  });

  for (const [name, value] of KINDS) {
    it(`equals JSON.stringify for ${RUNS * LENGTH} random doubles: ${name}`, () => {
      fc.assert(fc.property(arrays(value), (values) => sameAsStringify(values)), { seed: SEED, numRuns: RUNS });
    });
  }
});

describe("WasmJson", () => {
  it("writes an answer from text and number pieces as the TypeScript twin's text", () => {
    const pieces = ['{"rows":3,"time":', [1, 2, 3], ',"columns":{"sma:2":', Float64Array.of(NaN, 1.5, 2.5), ',"€ key":', new Float64Array(0), "}}"];
    expect(json.write(pieces)).toBe(jsonText(pieces));
    expect(JSON.parse(jsonText(pieces))).toEqual({ rows: 3, time: [1, 2, 3], columns: { "sma:2": [null, 1.5, 2.5], "€ key": [] } });
  });

  it("allocates nothing once its buffers fit: memory stays the same size over repeated answers", () => {
    const column = Float64Array.from({ length: 50_000 }, (_, i) => Math.sin(i) * 1000);
    json.write(["[", column, "]"]);
    const pages = k.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) json.write(["[", column.subarray(0, 1 + (i * 997) % column.length), "]"]);
    expect(k.memory.buffer.byteLength).toBe(pages);
  });

  it("leaves an answer too large for the module's memory to the twin, with the same text", () => {
    const column = new Float64Array(Math.ceil(MAX_KERNEL_ANSWER_BYTES / 26) + 1).fill(0.1);
    const before = k.memory.buffer.byteLength;
    expect(json.write(["", column])).toBe(JSON.stringify(Array.from(column)));
    expect(k.memory.buffer.byteLength).toBe(before);
  });
});
