// The shortest decimal that reads back to the same double, by the Ryu
// algorithm (Ulf Adams, "Ryu: fast float-to-string conversion", PLDI 2018),
// written from the paper and its reference implementation's structure.
// Among the shortest decimals in the double's rounding interval it picks the
// one nearest the exact value (ties to even), and the interval's ends count
// when the mantissa is even (round-half-even reading): the digits that
// JavaScript's Number.prototype.toString prints.
import { POW5_BITCOUNT, POW5_INV_BITCOUNT, POW5_INV_SPLIT, POW5_SPLIT } from "./tables";

/** The result of shortest(): the value is digits * 10^exponent. Globals, as a function returns one value. */
export let digits: u64 = 0;
export let exponent: i32 = 0;

// ceil(log2(5^e)) (1 for e = 0), floor(log10(2^e)), floor(log10(5^e)): exact over the range a double reaches.
// @ts-ignore: decorator
@inline function pow5bits(e: i32): i32 { return <i32>((<u32>e * 1217359) >> 19) + 1; }
// @ts-ignore: decorator
@inline function log10Pow2(e: i32): i32 { return <i32>((<u32>e * 78913) >> 18); }
// @ts-ignore: decorator
@inline function log10Pow5(e: i32): i32 { return <i32>((<u32>e * 732923) >> 20); }

/** The high 64 bits of a * b (WebAssembly has no 64 x 64 -> 128 multiply): four 32-bit products. */
// @ts-ignore: decorator
@inline function umulh(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff, aHi = a >> 32, bLo = b & 0xffffffff, bHi = b >> 32;
  const mid1 = aHi * bLo + ((aLo * bLo) >> 32);
  const mid2 = aLo * bHi + (mid1 & 0xffffffff);
  return aHi * bHi + (mid1 >> 32) + (mid2 >> 32);
}

/** The 128 bits (high, low) shifted right by s (0 < s < 64), keeping the low 64. */
// @ts-ignore: decorator
@inline function shr128(low: u64, high: u64, s: u64): u64 {
  return (high << (64 - s)) | (low >> s);
}

/** vp and vm from mulShiftAll (a function returns one value). */
let vpOut: u64 = 0, vmOut: u64 = 0;

/**
 * vr, vp, vm = (4 m2, 4 m2 + 2, 4 m2 - 1 - mmShift) * entry >> j for the
 * 128-bit table entry at `entry` (low word first), from one 192-bit product
 * 2 m2 * entry (two 64 x 64 -> 128 products): the others differ from twice
 * it by a multiple of the entry, an addition or subtraction with carries.
 */
function mulShiftAll(m2: u64, entry: usize, j: i32, mmShift: u64): u64 {
  const e0 = load<u64>(entry), e1 = load<u64>(entry, 8);
  const x = m2 << 1;
  const lo = x * e0;
  const carry = umulh(x, e0);
  const mid = x * e1 + carry;
  const hi = umulh(x, e1) + (mid < carry ? 1 : 0);
  const s = <u64>(j - 65);
  // 4 m2 + 2 = 2 (2 m2 + 1): add the entry once, shift one less.
  const lo2 = lo + e0;
  const mid2 = mid + e1 + (lo2 < lo ? 1 : 0);
  vpOut = shr128(mid2, hi + (mid2 < mid ? 1 : 0), s);
  if (mmShift == 1) {
    // 4 m2 - 2 = 2 (2 m2 - 1): subtract the entry once.
    const lo3 = lo - e0;
    const mid3 = mid - e1 - (lo3 > lo ? 1 : 0);
    vmOut = shr128(mid3, hi - (mid3 > mid ? 1 : 0), s);
  } else {
    // 4 m2 - 1: double the product, subtract the entry, shift as for 4 m2.
    const lo3 = lo + lo;
    const mid3 = mid + mid + (lo3 < lo ? 1 : 0);
    const hi3 = hi + hi + (mid3 < mid ? 1 : 0);
    const lo4 = lo3 - e0;
    const mid4 = mid3 - e1 - (lo4 > lo3 ? 1 : 0);
    vmOut = shr128(mid4, hi3 - (mid4 > mid3 ? 1 : 0), s + 1);
  }
  return shr128(mid, hi, s);
}

/** How many times 5 divides v (v > 0): multiplying by 5's inverse mod 2^64 keeps multiples of 5 small. */
function pow5Factor(v: u64): i32 {
  let count = 0;
  for (v *= 0xcccccccccccccccd; v <= 0x3333333333333333; v *= 0xcccccccccccccccd) count++;
  return count;
}

/**
 * Sets digits and exponent for a finite, non-zero double given by its raw
 * mantissa and biased exponent fields. Digits may end in zeros only for
 * integers below 2^53, which are exact and take a short path.
 */
export function shortest(ieeeMantissa: u64, ieeeExponent: i32): void {
  // Integers in [1, 2^53): the integer itself is the shortest decimal.
  const e2int = ieeeExponent - 1075;
  if (e2int <= 0 && e2int >= -52) {
    const m = ieeeMantissa | (<u64>1 << 52);
    const shift = <u64>(-e2int);
    if ((m & ((<u64>1 << shift) - 1)) == 0) {
      digits = m >> shift;
      exponent = 0;
      return;
    }
  }

  // Step 1: the value as m2 * 2^e2, with 2 spare bits for the interval's ends (e2 is 2 lower).
  let e2: i32, m2: u64;
  if (ieeeExponent == 0) {
    e2 = 1 - 1023 - 52 - 2;
    m2 = ieeeMantissa;
  } else {
    e2 = ieeeExponent - 1023 - 52 - 2;
    m2 = ieeeMantissa | (<u64>1 << 52);
  }
  const acceptBounds = (m2 & 1) == 0;
  // Step 2: the interval [mm, mp] around mv = 4 * m2; its lower end is closer at a power of 2.
  const mv = m2 << 2;
  const mmShift: u64 = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1 : 0;

  // Step 3: the three values times 10^-e10, truncated, and whether each dropped only zeros.
  let vr: u64, vp: u64, vm: u64, e10: i32;
  let vmIsTrailingZeros = false, vrIsTrailingZeros = false;
  if (e2 >= 0) {
    const q = log10Pow2(e2) - (e2 > 3 ? 1 : 0);
    e10 = q;
    const k = POW5_INV_BITCOUNT + pow5bits(q) - 1;
    const i = -e2 + q + k;
    const entry = POW5_INV_SPLIT + (<usize>q << 4);
    vr = mulShiftAll(m2, entry, i, mmShift);
    vp = vpOut;
    vm = vmOut;
    if (q <= 21) {
      // At most one of mv, mp, mm is a multiple of 5; then the division by 5^q may be exact.
      if (mv % 5 == 0) vrIsTrailingZeros = pow5Factor(mv) >= q;
      else if (acceptBounds) vmIsTrailingZeros = pow5Factor(mv - 1 - mmShift) >= q;
      else vp -= pow5Factor(mv + 2) >= q ? 1 : 0;
    }
  } else {
    const q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
    e10 = q + e2;
    const i = -e2 - q;
    const k = pow5bits(i) - POW5_BITCOUNT;
    const j = q - k;
    const entry = POW5_SPLIT + (<usize>i << 4);
    vr = mulShiftAll(m2, entry, j, mmShift);
    vp = vpOut;
    vm = vmOut;
    if (q <= 1) {
      // mv has at least 2 trailing zero bits; mm has one exactly when mmShift is 1; mp has one.
      vrIsTrailingZeros = true;
      if (acceptBounds) vmIsTrailingZeros = mmShift == 1;
      else vp--;
    } else if (q < 63) {
      // Exact when mv has at least q trailing zero bits.
      vrIsTrailingZeros = (mv & ((<u64>1 << <u64>q) - 1)) == 0;
    }
  }

  // Step 4: drop digits while the interval still holds a shorter decimal, remembering the last one dropped.
  let removed = 0;
  let lastRemoved: u64 = 0;
  let output: u64;
  if (vmIsTrailingZeros || vrIsTrailingZeros) {
    // Rare (under 1% of doubles): exact ends and exact halves need the ties rules.
    for (;;) {
      const vpDiv10 = vp / 10, vmDiv10 = vm / 10;
      if (vpDiv10 <= vmDiv10) break;
      const vrDiv10 = vr / 10;
      vmIsTrailingZeros = vmIsTrailingZeros && vm - vmDiv10 * 10 == 0;
      vrIsTrailingZeros = vrIsTrailingZeros && lastRemoved == 0;
      lastRemoved = vr - vrDiv10 * 10;
      vr = vrDiv10; vp = vpDiv10; vm = vmDiv10;
      removed++;
    }
    if (vmIsTrailingZeros) {
      // The lower end is itself a short decimal (accepted): keep shortening toward it.
      for (;;) {
        const vmDiv10 = vm / 10;
        if (vm - vmDiv10 * 10 != 0) break;
        const vrDiv10 = vr / 10;
        vrIsTrailingZeros = vrIsTrailingZeros && lastRemoved == 0;
        lastRemoved = vr - vrDiv10 * 10;
        vr = vrDiv10; vp = vp / 10; vm = vmDiv10;
        removed++;
      }
    }
    // An exact half (...50...0) rounds to even.
    if (vrIsTrailingZeros && lastRemoved == 5 && (vr & 1) == 0) lastRemoved = 4;
    output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemoved >= 5 ? 1 : 0);
  } else {
    // The common case: no ties to break. Two digits at a time first (most doubles drop about two).
    let roundUp = false;
    const vpDiv100 = vp / 100, vmDiv100 = vm / 100;
    if (vpDiv100 > vmDiv100) {
      const vrDiv100 = vr / 100;
      roundUp = vr - vrDiv100 * 100 >= 50;
      vr = vrDiv100; vp = vpDiv100; vm = vmDiv100;
      removed += 2;
    }
    for (;;) {
      const vpDiv10 = vp / 10, vmDiv10 = vm / 10;
      if (vpDiv10 <= vmDiv10) break;
      const vrDiv10 = vr / 10;
      roundUp = vr - vrDiv10 * 10 >= 5;
      vr = vrDiv10; vp = vpDiv10; vm = vmDiv10;
      removed++;
    }
    output = vr + (vr == vm || roundUp ? 1 : 0);
  }
  digits = output;
  exponent = e10 + removed;
}
