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
    const end = writeLongJsonString(buf, pos, text);
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
 * Text of at least this many UTF-16 units is copied by `Buffer#write` and escaped in place,
 * rather than by the loop in {@link writeJsonString}, which takes ~3 ns a unit: the native
 * copy and a scan of its bytes cost ~0.25 µs plus ~0.5 ns a unit, and each escape a move of
 * the bytes after it. (`JSON.stringify` of a string is no faster than that loop on Node 20.)
 */
const nativeTextLength = 128;

/**
 * One escape in this many bytes or more is dense: escaping in place then costs more than the
 * loop (JSON or code held as text, one escape in 3 to 9 units, ran 1.5–3× slower so).
 */
const denseEscapes = 16;

/** Offsets of the bytes to escape in the text being written; grown as needed. */
let escapeOffsets = new Int32Array(256);
/** Past this many offsets (256 KiB), the store is dropped after use rather than kept. */
const maxKeptOffsets = 65_536;

/**
 * {@link writeJsonString} for long text: written by `Buffer#write`, its bytes scanned for
 * `"`, `\` and control characters, which are then escaped in place. Returns -1, for the loop,
 * for text with a lone surrogate (which `Buffer#write` would replace, not escape) and for text
 * dense with escapes.
 */
function writeLongJsonString(buf: Buffer, pos: number, text: string): number {
  if (!text.isWellFormed()) return -1;
  // Most long text holds no quote, backslash or line break (found natively); its bytes are
  // then scanned for the rarer control characters alone (0.43 ns a unit, against 0.68 looking
  // for all three kinds).
  const quotesOrBreaks =
    text.includes('"') ||
    text.includes('\\') ||
    text.includes('\n') ||
    text.includes('\r') ||
    text.includes('\t');
  if (quotesOrBreaks && startsDense(text)) return -1;
  const start = pos + 1;
  let end = start + buf.write(text, start);
  const count = findEscapes(buf, start, end, quotesOrBreaks);
  const dense = count * denseEscapes > end - start;
  if (count > 0 && !dense) end = escapeInPlace(buf, end, count);
  // The offsets of one huge text are not kept for the rest of the process.
  if (escapeOffsets.length > maxKeptOffsets) escapeOffsets = new Int32Array(256);
  if (dense) return -1;
  buf[pos] = 0x22;
  buf[end] = 0x22;
  return end + 1;
}

/** Whether the first 64 units of `text` hold escapes at {@link denseEscapes} density. */
function startsDense(text: string): boolean {
  let count = 0;
  for (let i = 0; i < 64; i++) if (escaped(text.charCodeAt(i))) count++;
  return count * denseEscapes >= 64;
}

/** Whether JSON escapes this byte (or UTF-16 unit): a control character, `"` or `\`. */
function escaped(byte: number): boolean {
  return byte < 0x20 || byte === 0x22 || byte === 0x5c;
}

/**
 * Records in {@link escapeOffsets} where `buf[from..to)` holds a byte to escape and returns
 * how many, four bytes at a time where aligned: a word with none is passed over in a few
 * operations, the others are looked at byte by byte. Words are tested for quotes and
 * backslashes only when `quotesToo`; otherwise for control characters alone. The range must be
 * at least 3 bytes long (it is 128 or more here): the head loop then ends aligned, as an
 * Int32Array view needs, even when it is empty.
 */
function findEscapes(buf: Buffer, from: number, to: number, quotesToo: boolean): number {
  let count = 0;
  let at = from;
  for (; at < to && ((buf.byteOffset + at) & 3) !== 0; at++) {
    if (escaped(buf[at]!)) count = noteEscape(count, at);
  }
  const words = (to - at) >>> 2;
  const view = new Int32Array(buf.buffer, buf.byteOffset + at, words);
  // Two loops, not one testing `quotesToo`: V8 keeps the test in the loop, and plain text
  // took 50% longer so.
  if (quotesToo) {
    for (let w = 0; w < words; w++) {
      if (hasEscapeByte(view[w]!)) count = noteEscapesInWord(buf, at + 4 * w, count);
    }
  } else {
    for (let w = 0; w < words; w++) {
      if (hasControlByte(view[w]!)) count = noteEscapesInWord(buf, at + 4 * w, count);
    }
  }
  for (at += words << 2; at < to; at++) if (escaped(buf[at]!)) count = noteEscape(count, at);
  return count;
}

/*
 * Whether a word of four bytes holds a byte below 0x20, or one equal to zero: the "has less
 * than" and "has zero" bit tricks, exact as to whether any byte does (not which).
 */

function hasControlByte(word: number): boolean {
  return ((word - 0x20202020) & ~word & (0x80808080 | 0)) !== 0;
}

function hasZeroByte(word: number): boolean {
  return ((word - 0x01010101) & ~word & (0x80808080 | 0)) !== 0;
}

/** Whether a word holds a byte JSON escapes: a control character, `"` or `\`. */
function hasEscapeByte(word: number): boolean {
  return hasControlByte(word) || hasZeroByte(word ^ 0x22222222) || hasZeroByte(word ^ 0x5c5c5c5c);
}

/** Records the bytes to escape among the four from `at`; returns the new count. */
function noteEscapesInWord(buf: Buffer, at: number, count: number): number {
  let noted = count;
  for (let b = at; b < at + 4; b++) if (escaped(buf[b]!)) noted = noteEscape(noted, b);
  return noted;
}

/** Records offset `at` as escape number `count` and returns the new count. */
function noteEscape(count: number, at: number): number {
  if (count === escapeOffsets.length) {
    const more = new Int32Array(2 * count);
    more.set(escapeOffsets);
    escapeOffsets = more;
  }
  escapeOffsets[count] = at;
  return count + 1;
}

/**
 * Escapes the `count` bytes recorded in {@link escapeOffsets} of the text ending at `end`, and
 * returns its new end. From the last one back, the bytes after each move right by what the
 * escapes up to it add, and its escape is written before them; the bytes before the first
 * escape stay where they are.
 */
function escapeInPlace(buf: Buffer, end: number, count: number): number {
  let added = 0;
  for (let k = 0; k < count; k++) added += escapeLength(buf[escapeOffsets[k]!]!) - 1;
  const newEnd = end + added;
  let from = end;
  let to = newEnd;
  for (let k = count - 1; k >= 0; k--) {
    const at = escapeOffsets[k]!;
    const byte = buf[at]!;
    const length = from - at - 1;
    to -= length;
    // A native move costs more than a loop over a few dozen bytes.
    if (length > 32) buf.copyWithin(to, at + 1, from);
    else for (let i = length - 1; i >= 0; i--) buf[to + i] = buf[at + 1 + i]!;
    to -= escapeLength(byte);
    writeEscape(buf, to, byte);
    from = at;
  }
  return newEnd;
}

/** Bytes of the escape JSON.stringify writes for a control character, `"` or `\`. */
function escapeLength(byte: number): number {
  return shortEscapes[byte] !== 0 ? 2 : 6;
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
