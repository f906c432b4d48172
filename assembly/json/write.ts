// Doubles as JSON text, byte for byte what JavaScript's JSON.stringify
// writes: the shortest round-trip digits (ryu.ts) laid out by the rules of
// Number.prototype.toString (ECMA-262 Number::toString), and null for NaN and
// the infinities, which JSON cannot hold.
import { DIGIT_PAIRS } from "./tables";
import { digits, div1e8, exponent, shortest } from "./ryu";

const CHAR_0: u8 = 0x30;

/** The most bytes one number takes: "-0.0000012345678901234567" (sign, "0.", five zeros, 17 digits). */
export const MAX_NUMBER_BYTES: i32 = 25;

/** How many decimal digits v has (v < 10^17: 17 digits always round-trip); most outputs have 15-17. */
function decimalLength(v: u64): i32 {
  if (v >= 10000000000000000) return 17;
  if (v >= 1000000000000000) return 16;
  if (v >= 100000000000000) return 15;
  if (v >= 10000000000000) return 14;
  if (v >= 1000000000000) return 13;
  if (v >= 100000000000) return 12;
  if (v >= 10000000000) return 11;
  if (v >= 1000000000) return 10;
  const w = <u32>v;
  if (w >= 100000000) return 9;
  if (w >= 10000000) return 8;
  if (w >= 1000000) return 7;
  if (w >= 100000) return 6;
  if (w >= 10000) return 5;
  if (w >= 1000) return 4;
  if (w >= 100) return 3;
  return w >= 10 ? 2 : 1;
}

// @ts-ignore: decorator
@inline function pair(v: u32): u16 {
  return load<u16>(DIGIT_PAIRS + (<usize>v << 1));
}

/** Writes exactly 4 digits of v (< 10000) ending before `end`; the two halves are independent. */
// @ts-ignore: decorator
@inline function write4(end: usize, v: u32): void {
  const hi = v / 100;
  store<u16>(end - 2, pair(v - hi * 100));
  store<u16>(end - 4, pair(hi));
}

/**
 * Writes the `len` decimal digits of v ending just before `end`. Splitting
 * into 8- and 4-digit blocks keeps most arithmetic 32-bit and lets the
 * blocks' divisions run side by side instead of one digit pair after another.
 */
function writeDigits(end: usize, v: u64, len: i32): void {
  let p = end;
  while (len >= 8) {
    const hi = v / 100000000;
    const lo = <u32>(v - hi * 100000000);
    const lo1 = lo / 10000;
    write4(p, lo - lo1 * 10000);
    write4(p - 4, lo1);
    v = hi;
    p -= 8;
    len -= 8;
  }
  let w = <u32>v;
  if (len >= 4) {
    const hi = w / 10000;
    write4(p, w - hi * 10000);
    w = hi;
    p -= 4;
    len -= 4;
  }
  if (len >= 2) {
    const hi = w / 100;
    store<u16>(p - 2, pair(w - hi * 100));
    w = hi;
    p -= 2;
    len -= 2;
  }
  if (len == 1) store<u8>(p - 1, CHAR_0 + <u8>w);
}

/** Writes v at dst as JSON.stringify would; returns the bytes written (at most MAX_NUMBER_BYTES). */
export function writeNumber(v: f64, dst: usize): i32 {
  const bits = reinterpret<u64>(v);
  const ieeeExponent = <i32>((bits >> 52) & 0x7ff);
  const ieeeMantissa = bits & 0xfffffffffffff;
  if (ieeeExponent == 0x7ff) {
    store<u32>(dst, 0x6c6c756e); // "null", little-endian
    return 4;
  }
  if (ieeeExponent == 0 && ieeeMantissa == 0) {
    store<u8>(dst, CHAR_0); // 0 and -0 both print "0"
    return 1;
  }
  let p = dst;
  if (bits >> 63) {
    store<u8>(p, 0x2d); // "-"
    p++;
  }
  shortest(ieeeMantissa, ieeeExponent);
  const k = decimalLength(digits);
  // The decimal point goes after n digits: the value is 0.d1d2...dk * 10^n.
  const n = exponent + k;
  if (k <= n && n <= 21) {
    // An integer: the digits, then n - k zeros.
    writeDigits(p + k, digits, k);
    for (let z = k; z < n; z++) store<u8>(p + z, CHAR_0);
    p += n;
  } else if (0 < n && n <= 21) {
    // A point inside the digits: write them one place right, then move the first n back over the gap.
    writeDigits(p + k + 1, digits, k);
    for (let z = 0; z < n; z++) store<u8>(p + z, load<u8>(p + z + 1));
    store<u8>(p + n, 0x2e); // "."
    p += k + 1;
  } else if (-6 < n && n <= 0) {
    // "0." and -n zeros before the digits.
    store<u16>(p, 0x2e30); // "0."
    for (let z = 0; z < -n; z++) store<u8>(p + 2 + z, CHAR_0);
    p += 2 - n;
    writeDigits(p + k, digits, k);
    p += k;
  } else {
    // Exponent form: d[.ddd]e+x or e-x, the exponent being n - 1.
    writeDigits(p + k + 1, digits, k);
    store<u8>(p, load<u8>(p + 1));
    if (k > 1) {
      store<u8>(p + 1, 0x2e);
      p += k + 1;
    } else {
      p += 1;
    }
    let e = n - 1;
    store<u8>(p, 0x65); // "e"
    store<u8>(p + 1, e < 0 ? 0x2d : 0x2b); // "-" or "+"
    if (e < 0) e = -e;
    const len = e >= 100 ? 3 : e >= 10 ? 2 : 1;
    writeDigits(p + 2 + len, <u64>e, len);
    p += 2 + len;
  }
  return <i32>(p - dst);
}

/**
 * Writes the n doubles at src as a JSON array ("[1.5,null,2]") at dst and
 * returns its length in bytes. dst needs room for
 * 2 + n * (MAX_NUMBER_BYTES + 1) bytes; src and dst must not overlap.
 */
export function writeNumbers(src: usize, n: i32, dst: usize): i32 {
  let p = dst;
  store<u8>(p++, 0x5b); // "["
  for (let i = 0; i < n; i++) {
    if (i > 0) store<u8>(p++, 0x2c); // ","
    p += writeNumber(load<f64>(src + (<usize>i << 3)), p);
  }
  store<u8>(p++, 0x5d); // "]"
  return <i32>(p - dst);
}
