import { surrogatePair, writeAstral, writeBmp } from './byte-sink.js';

/** The most bytes one UTF-16 unit takes in a JSON string: `\u001f` or a lone `\udc00`. */
export const maxJsonBytesPerUnit = 6;

/** Short escapes JSON.stringify uses, by character code; 0 where it writes `\u00XX`. */
const shortEscapes = new Uint8Array(0x60);
shortEscapes[0x08] = 0x62; // \b
shortEscapes[0x09] = 0x74; // \t
shortEscapes[0x0a] = 0x6e; // \n
shortEscapes[0x0c] = 0x66; // \f
shortEscapes[0x0d] = 0x72; // \r
shortEscapes[0x22] = 0x22; // \"
shortEscapes[0x5c] = 0x5c; // \\

const hexDigits = Buffer.from('0123456789abcdef');

/**
 * `JSON.stringify(text)` as UTF-8 bytes at `pos`, without making the string: quotes, `\` and
 * control characters escaped as JSON.stringify escapes them, and a lone surrogate as its
 * `\ud800`-style escape (well-formed JSON.stringify). Needs `text.length * maxJsonBytesPerUnit + 2` bytes of room.
 */
export function writeJsonString(buf: Buffer, pos: number, text: string): number {
  if (text.length >= nativeTextLength) {
    const end = writeLongPlainJsonString(buf, pos, text);
    if (end >= 0) return end;
  }
  return writeEscapedJsonString(buf, pos, text);
}

/** {@link writeJsonString} unit by unit, escaping as it goes. */
function writeEscapedJsonString(buf: Uint8Array, pos: number, text: string): number {
  buf[pos++] = 0x22;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) buf[pos++] = c;
      else pos = writeEscape(buf, pos, c);
    } else if (c < 0xd800 || c > 0xdfff) {
      pos = writeBmp(buf, pos, c);
    } else {
      const pair = surrogatePair(text, i);
      if (pair === 0) {
        pos = writeEscape(buf, pos, c);
      } else {
        pos = writeAstral(buf, pos, pair);
        i++;
      }
    }
  }
  buf[pos] = 0x22;
  return pos + 1;
}

/**
 * Text of at least this many UTF-16 units that needs no escape is copied by `Buffer#write`
 * rather than by the loop in {@link writeJsonString}, which takes ~3 ns a unit: checking and
 * copying natively costs ~0.25 µs plus ~1 ns a unit. (`JSON.stringify` of a string is no
 * faster than that loop on Node 20.)
 */
const nativeTextLength = 128;

/**
 * {@link writeJsonString} for long text with nothing to escape: well-formed (no lone
 * surrogate), without `"`, `\\` or the usual control characters, found natively (the byte scan
 * would find LF, CR and tab too, but only after a write the loop then redoes); the rarer
 * control characters are looked for in the bytes written. Returns -1, for the loop, otherwise.
 */
function writeLongPlainJsonString(buf: Buffer, pos: number, text: string): number {
  const escapes =
    !text.isWellFormed() ||
    text.includes('"') ||
    text.includes('\\') ||
    text.includes('\n') ||
    text.includes('\r') ||
    text.includes('\t');
  if (escapes) return -1;
  const end = pos + 1 + buf.write(text, pos + 1);
  if (hasControlByte(buf, pos + 1, end)) return -1;
  buf[pos] = 0x22;
  buf[end] = 0x22;
  return end + 1;
}

/**
 * Whether `buf[from..to)` holds a byte below 0x20, four bytes at a time where aligned. The range
 * must be at least 3 bytes long (it is 128 or more here): the head loop then ends aligned, as
 * an Int32Array view needs, even when it is empty.
 */
function hasControlByte(buf: Buffer, from: number, to: number): boolean {
  let at = from;
  for (; at < to && ((buf.byteOffset + at) & 3) !== 0; at++) if (buf[at]! < 0x20) return true;
  const words = (to - at) >>> 2;
  const view = new Int32Array(buf.buffer, buf.byteOffset + at, words);
  for (let w = 0; w < words; w++) {
    const word = view[w]!;
    // Non-zero when some byte is below 0x20 ("has less than" bit trick, exact for n <= 128).
    if (((word - 0x20202020) & ~word & (0x80808080 | 0)) !== 0) return true;
  }
  for (at += words << 2; at < to; at++) if (buf[at]! < 0x20) return true;
  return false;
}

function writeEscape(buf: Uint8Array, pos: number, c: number): number {
  buf[pos] = 0x5c;
  const short = c < shortEscapes.length ? shortEscapes[c]! : 0;
  if (short !== 0) {
    buf[pos + 1] = short;
    return pos + 2;
  }
  buf[pos + 1] = 0x75; // u
  buf[pos + 2] = hexDigits[(c >> 12) & 0xf]!;
  buf[pos + 3] = hexDigits[(c >> 8) & 0xf]!;
  buf[pos + 4] = hexDigits[(c >> 4) & 0xf]!;
  buf[pos + 5] = hexDigits[c & 0xf]!;
  return pos + 6;
}
