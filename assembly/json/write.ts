// Doubles as JSON text, byte for byte what JavaScript's JSON.stringify
// writes: the shortest round-trip digits (ryu.ts) laid out by the rules of
// Number.prototype.toString (ECMA-262 Number::toString), and null for NaN and
// the infinities, which JSON cannot hold.
//
// Speed: the digit count varies from one value to the next (15, 16, 17 in a
// column of averages), so code that branches on it mispredicts often. The
// digits are therefore formed in all 17 places, 16 of them at once in a SIMD
// register, shifted there to drop leading zeros (one byte shuffle), and
// stored 16 bytes at a time, which may write past the number's end: the
// caller leaves SLACK_BYTES of room after the last number.
import { digits, exponent, shortest } from "./ryu";
import { DIGIT_PAIRS, POW10, SHIFT_MASKS } from "./tables";

/** The most bytes one number takes: "-0.0000012345678901234567" (sign, "0.", five zeros, 17 digits). */
export const MAX_NUMBER_BYTES: i32 = 25;
/** How far past a number's end its fixed-size copies may write. */
export const SLACK_BYTES: i32 = 64;

const ZEROS: u64 = 0x3030303030303030; // "00000000"
const ZERO_POINT_ZEROS: u64 = 0x3030303030302e30; // "0.000000", little-endian

// @ts-ignore: decorator
@inline function pair(v: u32): u16 {
  return load<u16>(DIGIT_PAIRS + (<usize>v << 1));
}

/**
 * The 16 ASCII digits of hi * 10^8 + lo (hi, lo < 10^8), first digit in
 * lane 0: four 4-digit lanes, each split into two 2-digit halves, each of
 * those into two digits, by multiplications that divide exactly in range.
 */
// @ts-ignore: decorator
@inline function sixteen(hi: u32, lo: u32): v128 {
  const hi1 = hi / 10000, lo1 = lo / 10000;
  let v = i32x4.splat(hi1);
  v = i32x4.replace_lane(v, 1, hi - hi1 * 10000);
  v = i32x4.replace_lane(v, 2, lo1);
  v = i32x4.replace_lane(v, 3, lo - lo1 * 10000);
  // x / 100 = (x * 5243) >> 19 for x < 10^4: each 32-bit lane becomes [x / 100, x % 100] in 16-bit lanes.
  const q = i32x4.shr_u(i32x4.mul(v, i32x4.splat(5243)), 19);
  v = v128.or(q, i32x4.shl(i32x4.sub(v, i32x4.mul(q, i32x4.splat(100))), 16));
  // x / 10 = (x * 103) >> 10 for x < 100: each 16-bit lane becomes [x / 10, x % 10] in bytes.
  const t = i16x8.shr_u(i16x8.mul(v, i16x8.splat(103)), 10);
  v = v128.or(t, i16x8.shl(i16x8.sub(v, i16x8.mul(t, i16x8.splat(10))), 8));
  return v128.or(v, i8x16.splat(0x30));
}

/** The 16 digits without their first z (0..16), moved to the front; zero bytes after them. */
// @ts-ignore: decorator
@inline function drop(digits16: v128, z: i32): v128 {
  return i8x16.swizzle(digits16, v128.load(SHIFT_MASKS + (<usize>z << 4)));
}

/** Stores the k significant digits (and bytes after them) at p: with 17, `top` and then the 16. */
// @ts-ignore: decorator
@inline function storeAll(p: usize, top: u32, low16: v128, z: i32): void {
  store<u8>(p, 0x30 + <u8>top);
  v128.store(p + (z < 0 ? 1 : 0), drop(low16, z < 0 ? 0 : z));
}

/** Writes v at dst as JSON.stringify would; returns the bytes written (at most MAX_NUMBER_BYTES, plus slack). */
export function writeNumber(v: f64, dst: usize): i32 {
  const bits = reinterpret<u64>(v);
  const ieeeExponent = <i32>((bits >> 52) & 0x7ff);
  const ieeeMantissa = bits & 0xfffffffffffff;
  if (ieeeExponent == 0x7ff) {
    store<u32>(dst, 0x6c6c756e); // "null", little-endian
    return 4;
  }
  if (ieeeExponent == 0 && ieeeMantissa == 0) {
    store<u8>(dst, 0x30); // 0 and -0 both print "0"
    return 1;
  }
  // The sign is written either way and kept only for negative values.
  store<u8>(dst, 0x2d); // "-"
  let p = dst + <usize>(bits >> 63);
  shortest(ieeeMantissa, ieeeExponent);

  // All 17 digit places (d < 10^17): the first alone, the other 16 in one register.
  const d = digits;
  const hi = d / 100000000;
  const top = <u32>(hi / 100000000);
  const low16 = sixteen(<u32>(hi - <u64>top * 100000000), <u32>(d - hi * 100000000));
  // The count of significant digits, from the bit length.
  const t = ((64 - <i32>clz(d)) * 1233) >> 12;
  const k = t + (d >= load<u64>(POW10 + (<usize>t << 3)) ? 1 : 0);
  // The significant digits from the j-th on (j >= 1, or j = 0 when k < 17) are the 16 with z + j dropped.
  const z = 16 - k;

  // The decimal point goes after n digits: the value is 0.d1d2...dk * 10^n.
  const n = exponent + k;
  if (k <= n && n <= 21) {
    // An integer: the digits, then n - k (at most 20) zeros.
    storeAll(p, top, low16, z);
    store<u64>(p + k, ZEROS);
    store<u64>(p + k, ZEROS, 8);
    store<u64>(p + k, ZEROS, 16);
    p += n;
  } else if (0 < n && n <= 21) {
    // A point inside the digits: all of them, then the point and again those after it, one place right.
    storeAll(p, top, low16, z);
    store<u8>(p + n, 0x2e); // "."
    v128.store(p + n + 1, drop(low16, z + n));
    p += k + 1;
  } else if (-6 < n && n <= 0) {
    // "0.", -n zeros (at most 5), then the digits.
    store<u64>(p, ZERO_POINT_ZEROS);
    p += 2 - n;
    storeAll(p, top, low16, z);
    p += k;
  } else {
    // Exponent form: d[.ddd]e+x or e-x, the exponent being n - 1.
    storeAll(p, top, low16, z);
    store<u8>(p + 1, 0x2e);
    v128.store(p + 2, drop(low16, z + 1));
    p += k > 1 ? k + 1 : 1;
    let e = n - 1;
    store<u8>(p, 0x65); // "e"
    store<u8>(p + 1, e < 0 ? 0x2d : 0x2b); // "-" or "+"
    if (e < 0) e = -e;
    p += 2;
    if (e >= 100) {
      store<u8>(p, 0x30 + <u8>(e / 100));
      p++;
      e %= 100;
      store<u16>(p, pair(e));
      p += 2;
    } else if (e >= 10) {
      store<u16>(p, pair(e));
      p += 2;
    } else {
      store<u8>(p, 0x30 + <u8>e);
      p++;
    }
  }
  return <i32>(p - dst);
}

/**
 * Writes the n doubles at src as a JSON array ("[1.5,null,2]") at dst and
 * returns its length in bytes. dst needs room for
 * 2 + n * (MAX_NUMBER_BYTES + 1) + SLACK_BYTES bytes; src and dst must not overlap.
 */
export function writeNumbers(src: usize, n: i32, dst: usize): i32 {
  let p = dst;
  store<u8>(p++, 0x5b); // "["
  for (let i = 0; i < n; i++) {
    p += writeNumber(load<f64>(src + (<usize>i << 3)), p);
    store<u8>(p++, 0x2c); // "," (the last one becomes "]")
  }
  if (n > 0) p--;
  store<u8>(p++, 0x5d); // "]"
  return <i32>(p - dst);
}
