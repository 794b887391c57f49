import { writeDigits } from './decimal-digits.js';

/*
 * `String(x)` of a double as bytes, for the doubles exports meet most: from 1e-6 up to 1e15
 * in magnitude, written in plain notation with 15, 16 or 17 significant digits (a ratio, an
 * average, a float8 column). V8 formats them into a string allocated per value (~0.2 µs with
 * the copy); this works on doubles alone. Whenever a step cannot be decided exactly in double
 * arithmetic it returns -1 and the caller uses `JSON.stringify`, so what it writes is always
 * ECMAScript's Number::toString: the fewest significant digits that read back as `x`, and
 * among those the closest to `x`.
 *
 * How: `v × 10^p`, scaled to 17 digits before the point, is computed exactly as the sum of two
 * doubles (Dekker's two-product; 10^0 to 10^22 are exact doubles) and rounded to the nearest
 * integer s17. The nearest 15- and 16-digit decimals are s17's first digits, rounded by what
 * follows them, and a decimal reads back as `v` when it lies within half an ulp of `v`, which
 * at that scale is an exact power of two times an exact power of ten.
 * - 15 digits: no two 15-digit decimals read back as the same double, so if the nearest does,
 *   it is the shortest (trailing zeros dropped).
 * - 16 digits: if any 16-digit decimal reads back as `v`, the nearest does.
 * - 17 digits: the nearest always does.
 * Both "if"s need the gaps to `v`'s neighbours to be equal, so powers of two (whose gap below
 * is half the gap above) are left to V8.
 */

/** 10^0 to 10^22, each exact (parsed, so correctly rounded). */
const pow10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const log10Of2 = Math.LOG10E * Math.LN2;
/** Half an ulp of a double in [2^k, 2^(k+1)), 2^(k-53), at index k + 64 (k from -64 to 63). */
const halfUlps = Array.from({ length: 128 }, (_, i) => {
  let half = Number.EPSILON / 2; // 2^-53, exact, as every doubling and halving below
  for (let k = 0; k < i - 64; k++) half *= 2;
  for (let k = 0; k > i - 64; k--) half /= 2;
  return half;
});
/** Veltkamp's splitter for doubles, 2^27 + 1. */
const splitter = 134_217_729;
/**
 * How far a distance may be from half an ulp and still count as decided. Distances at the
 * 17-digit scale are below 100 and half an ulp is 0.5 to 11 there; their sums round by less
 * than 1e-13.
 */
const undecided = 1e-9;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the word holding the sign, exponent and top of the mantissa. */
const high = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Writes `String(x)` for a finite, non-integer `x` at `pos` and returns the end, or returns -1
 * when it leaves `x` to the caller. Needs 25 bytes of room.
 */
export function writeShortestDouble(buf: Uint8Array, pos: number, x: number): number {
  const v = x < 0 ? -x : x;
  if (!(v >= 1e-6 && v < 1e15)) return -1;
  bits[0] = v;
  const word = words[high]!;
  if ((word & 0xfffff) === 0 && words[1 - high] === 0) return -1; // a power of two
  const exponent = ((word >>> 20) & 0x7ff) - 1023; // 2^exponent <= v < 2^(exponent + 1)
  // 10^e <= v < 10^(e + 1): from the binary exponent, e or e - 1, and one product decides. A
  // wrong e (near a power of ten) leaves the product out of range below, and v to V8.
  let e = Math.floor(exponent * log10Of2);
  if (v * pow10[15 - e]! >= 1e16) e += 1;
  const p = 16 - e;
  if (p > 22) return -1;

  // hi + lo = v × 10^p exactly (Dekker's two-product, Veltkamp's splits).
  const scale = pow10[p]!;
  const hi = v * scale;
  if (!(hi >= 1e16 && hi < 1e17)) return -1;
  const vSplit = splitter * v;
  const vHigh = vSplit - (vSplit - v);
  const vLow = v - vHigh;
  const sSplit = splitter * scale;
  const sHigh = sSplit - (sSplit - scale);
  const sLow = scale - sHigh;
  const lo = vHigh * sHigh - hi + vHigh * sLow + vLow * sHigh + vLow * sLow;

  // s17, the integer nearest hi + lo (ties to even), as top × 10^8 + bottom. hi is an integer
  // (its ulp is 2 to 16 here), so s17 = hi + step with step the integer nearest lo (|lo| <= 8;
  // comparing lo with a half-integer is exact), and s17 - v × 10^p = step - lo. hi -
  // top × 10^8 is exact (Sterbenz; top × 10^8 is exact as top × 5^8 < 2^53).
  let top = Math.floor(hi * 1e-8);
  let rest = hi - top * 1e8;
  const lowFloor = Math.floor(lo);
  let step = lowFloor;
  const aboveHalf = lo - (lowFloor + 0.5);
  if (aboveHalf > 0 || (aboveHalf === 0 && ((rest + lowFloor) & 1) !== 0)) step += 1;
  rest += step;
  while (rest < 0) {
    top -= 1;
    rest += 1e8;
  }
  while (rest >= 1e8) {
    top += 1;
    rest -= 1e8;
  }
  if (top < 1e8 || top >= 1e9) return -1;
  const bottom = rest | 0; // below 10^8: integer arithmetic from here

  // Half the gap between v and its neighbours, at the same scale: exact.
  const halfUlp = halfUlps[exponent + 64]! * scale;

  // The digits before the point stay the same however many are dropped at the end.
  const point = 17 - p;
  const low15 = nearestShorter(bottom, 100, step, lo, halfUlp);
  if (low15 === undecidable) return -1;
  if (low15 >= 0) return writePlain(buf, pos, x < 0, top, low15, 6, point, true);
  const low16 = nearestShorter(bottom, 10, step, lo, halfUlp);
  if (low16 === undecidable) return -1;
  if (low16 >= 0) return writePlain(buf, pos, x < 0, top, low16, 7, point, false);
  return writePlain(buf, pos, x < 0, top, bottom, 8, point, false);
}

/** What {@link nearestShorter} returns when a sum is too close to half an ulp to decide. */
const undecidable = -2;

/**
 * The nearest decimal with s17's last digits dropped (`unit` 100: 15 digits, 10: 16 digits),
 * as its low half (`bottom` without those digits, plus one when rounded up), or -1 when it
 * does not read back as v, or {@link undecidable}. With d the dropped digits, v × 10^p =
 * s17 - step + lo lies `lo - (unit/2 - d + step)` past the middle of its cell (an exact sign),
 * and the decimal's distance to it at this scale is |unit × up - d + step - lo|. A tie goes to
 * the even one, as Number::toString says: at 16 digits both neighbours can read back (half an
 * ulp may exceed 5); at 15 a tie cannot (half an ulp is at most 11).
 */
function nearestShorter(
  bottom: number,
  unit: number,
  step: number,
  lo: number,
  halfUlp: number,
): number {
  const dropped = bottom % unit;
  const kept = (bottom - dropped) / unit;
  const past = lo - (unit / 2 - dropped + step);
  const up = past > 0 || (past === 0 && kept % 2 !== 0) ? 1 : 0;
  const margin = Math.abs(up * unit - dropped + step - lo) - halfUlp;
  if (margin > -undecided && margin < undecided) return undecidable;
  return margin < 0 ? kept + up : -1;
}

/**
 * Writes the decimal `top × 10^lowDigits + low` (top has 9 digits, low `lowDigits`, with a
 * carry out of `low` moving into `top`) with the point after `point` digits, after `-` when
 * `negative`. Trailing zeros are dropped when `trim` is set; otherwise a trailing zero means a
 * shorter decimal reads back, which this path did not find: -1, to leave it to V8.
 */
function writePlain(
  buf: Uint8Array,
  pos: number,
  negative: boolean,
  top: number,
  low: number,
  lowDigits: number,
  point: number,
  trim: boolean,
): number {
  let high = top;
  let rest = low;
  if (rest >= pow10[lowDigits]!) {
    rest -= pow10[lowDigits]!;
    high += 1;
    if (high >= 1e9) return -1;
  }
  const length = 9 + lowDigits;
  let count = length;
  // Both halves fit 32 bits, where `/ 10 | 0` compiles to a multiply, not a division.
  let lowInt = rest | 0;
  let highInt = high | 0;
  if (trim) {
    if (lowInt === 0) {
      count = 9;
      while (highInt % 10 === 0) {
        highInt = (highInt / 10) | 0;
        count--;
      }
    } else {
      while (lowInt % 10 === 0) {
        lowInt = (lowInt / 10) | 0;
        count--;
      }
    }
  } else if (lowInt % 10 === 0) {
    return -1;
  }
  // v is no integer, so the point falls within the significant digits or before them.
  if (point >= count || point < -5) return -1;
  if (negative) buf[pos++] = 0x2d;
  if (point <= 0) {
    buf[pos++] = 0x30;
    buf[pos++] = 0x2e;
    for (let i = point; i < 0; i++) buf[pos++] = 0x30;
    return writeSignificand(buf, pos, highInt, lowInt, count);
  }
  // The digits go one byte to the right; then those before the point move back over it.
  const end = writeSignificand(buf, pos + 1, highInt, lowInt, count);
  for (let i = 0; i < point; i++) buf[pos + i] = buf[pos + i + 1]!;
  buf[pos + point] = 0x2e;
  return end;
}

/**
 * The `count` significant digits: `high`'s (nine, or all of them when trimmed to `count`),
 * then `low`'s, zero-padded to the rest.
 */
function writeSignificand(
  buf: Uint8Array,
  pos: number,
  high: number,
  low: number,
  count: number,
): number {
  if (count <= 9) return writeDigits(buf, pos, high, count);
  return writeDigits(buf, writeDigits(buf, pos, high, 9), low, count - 9);
}
