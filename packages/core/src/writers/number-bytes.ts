import { writeUtf8 } from './byte-sink.js';
import { writeDigits } from './decimal-digits.js';
import { writeShortestDouble } from './shortest-double.js';

/** The short-decimal path writes numbers with at most six decimal places. */
const micro = 1e6;
/** Below this, scaled values are exact integers and distinct decimals are distinct doubles. */
const maxScaled = 2 ** 52;

/**
 * `String(n)` of a number, as bytes: the longest value a writer inlines takes 25 bytes. Safe
 * integers, and numbers below ~4.5e9 with at most six decimal places (prices, rates, most
 * measurements), are written as digits without making the string (`String(n)` of a fraction
 * cost ~0.2 µs, a fifth of a 10-column CSV row); other fractions from 1e-6 to 1e15 (ratios,
 * averages: 15 to 17 digits) by {@link writeShortestDouble}, also without a string. The rest
 * go through `JSON.stringify(n)` (or `String(n)` when not finite), which writes the same text
 * as `String(n)` but leaves it out of V8's number-to-string cache: `String(n)` puts every
 * result there, so each survives a young-generation GC and is promoted, and on the 1M-row
 * bench those strings made up 32 MB of old-space garbage (a full GC's worth of peak RSS).
 *
 * Why the short form is `String(n)`'s: when `round(n × 10^6) / 10^6 === n`, that six-place
 * decimal reads back as `n`, and below 2^52 it is the only six-place decimal that does; so no
 * decimal with fewer significant digits reads back as `n` but it (trailing zeros dropped): it
 * is the shortest round-trip text, which `String(n)` writes in plain notation from 1e-7 up.
 */
export function writeNumber(buf: Uint8Array, pos: number, n: number): number {
  if (Number.isSafeInteger(n)) return writeInteger(buf, pos, n);
  const scaled = Math.round(n * micro);
  if (scaled < maxScaled && scaled > -maxScaled && scaled / micro === n) {
    return writeMicros(buf, pos, scaled);
  }
  const end = writeShortestDouble(buf, pos, n);
  if (end >= 0) return end;
  return writeUtf8(buf, pos, Number.isFinite(n) ? JSON.stringify(n) : String(n));
}

/** `String(n)` of a safe integer, as bytes, without making the string. */
export function writeInteger(buf: Uint8Array, pos: number, n: number): number {
  let rest = n;
  if (rest < 0) {
    buf[pos++] = 0x2d;
    rest = -rest;
  }
  if (rest < 1e9) return writeDigits(buf, pos, rest, 1);
  // Split so that each half fits 32 bits: integer division is far cheaper than on doubles.
  const high = Math.floor(rest / 1e9);
  return writeDigits(buf, writeDigits(buf, pos, high, 1), rest - high * 1e9, 9);
}

/** `micros / 10^6` of a number that is no integer, in plain notation, trailing zeros dropped. */
function writeMicros(buf: Uint8Array, pos: number, micros: number): number {
  let rest = micros;
  if (rest < 0) {
    buf[pos++] = 0x2d;
    rest = -rest;
  }
  const whole = Math.floor(rest / micro);
  let fraction = (rest - whole * micro) | 0; // 1 to 999,999
  let places = 6;
  while (fraction % 10 === 0) {
    fraction /= 10;
    places--;
  }
  pos = writeInteger(buf, pos, whole);
  buf[pos++] = 0x2e;
  return writeDigits(buf, pos, fraction, places);
}
