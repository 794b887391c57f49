/**
 * Where an encoder writes a row's bytes: into `buffer` from an offset it is given, after
 * asking `reserve` for room. Encoders keep `buffer` in a local and take the new one `reserve`
 * returns, so the hot loop indexes a local buffer.
 */
export interface ByteSink {
  /** The buffer to write into; `reserve` may replace it. */
  readonly buffer: Buffer;
  /**
   * Makes room for `bytes` more bytes from offset `at`, keeping the bytes before `at`, and
   * returns the buffer to write into from then on (the same one when it had room).
   */
  reserve(at: number, bytes: number): Buffer;
}

/** The most UTF-8 bytes one UTF-16 unit can take (a surrogate pair takes 4 for 2 units). */
export const maxBytesPerUnit = 3;

/**
 * Writes `text` from its unit `from` as UTF-8 at `pos` and returns the end; with
 * `doubleQuotes`, each `"` is written twice (CSV quoting). A lone surrogate becomes U+FFFD,
 * as `Buffer#write` does. Room for `maxBytesPerUnit` bytes per unit must be reserved.
 *
 * Why not `Buffer#write`: the rows of an export are short, and a native call per field, or a
 * rope flattened per row, cost more than this loop (measured in bench/csv-writer.bench.ts).
 */
export function writeUtf8(
  buf: Uint8Array,
  pos: number,
  text: string,
  from = 0,
  doubleQuotes = false,
): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
      if (c === 0x22 && doubleQuotes) buf[pos++] = 0x22;
    } else if (c < 0xd800 || c > 0xdfff) {
      pos = writeBmp(buf, pos, c);
    } else {
      const pair = surrogatePair(text, i);
      if (pair === 0) {
        pos = writeBmp(buf, pos, 0xfffd);
      } else {
        pos = writeAstral(buf, pos, pair);
        i++;
      }
    }
  }
  return pos;
}

/** The code point of the surrogate pair starting at unit `i`, or 0 for a lone surrogate. */
export function surrogatePair(text: string, i: number): number {
  const high = text.charCodeAt(i);
  const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  if (high > 0xdbff || low < 0xdc00 || low > 0xdfff) return 0;
  return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
}

/** A code point from U+0080 to U+FFFF, as 2 or 3 bytes. */
export function writeBmp(buf: Uint8Array, pos: number, c: number): number {
  if (c < 0x800) {
    buf[pos] = 0xc0 | (c >> 6);
    buf[pos + 1] = 0x80 | (c & 0x3f);
    return pos + 2;
  }
  buf[pos] = 0xe0 | (c >> 12);
  buf[pos + 1] = 0x80 | ((c >> 6) & 0x3f);
  buf[pos + 2] = 0x80 | (c & 0x3f);
  return pos + 3;
}

/** A code point above U+FFFF, as 4 bytes. */
export function writeAstral(buf: Uint8Array, pos: number, c: number): number {
  buf[pos] = 0xf0 | (c >> 18);
  buf[pos + 1] = 0x80 | ((c >> 12) & 0x3f);
  buf[pos + 2] = 0x80 | ((c >> 6) & 0x3f);
  buf[pos + 3] = 0x80 | (c & 0x3f);
  return pos + 4;
}

/** `buf`, or the buffer `sink` gives for `bytes` of room from `pos` when `buf` lacks it. */
export function room(sink: ByteSink, buf: Buffer, pos: number, bytes: number): Buffer {
  return buf.length - pos < bytes ? sink.reserve(pos, bytes) : buf;
}

/** Copies `bytes` to `pos` (a loop: these are a few bytes, shorter than a native call's cost). */
export function writeBytes(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!;
  return pos;
}

/** Encodes a row into a sink from an offset and returns the end (see `RowEncoder.encode`). */
export type EncodeRow<R> = (row: R, firstInPart: boolean, sink: ByteSink, at: number) => number;

/**
 * The text of what `encode` writes, for encoders whose bytes come first (`RowEncoder.row`).
 * One scratch buffer per encoder, grown as needed.
 */
export function textOf<R>(encode: EncodeRow<R>): (row: R, firstInPart: boolean) => string {
  const scratch = new ScratchSink();
  return (row, firstInPart) => {
    const end = encode(row, firstInPart, scratch, 0); // first: it may replace the buffer
    return scratch.buffer.toString('utf8', 0, end);
  };
}

class ScratchSink implements ByteSink {
  buffer = Buffer.alloc(1024);

  reserve(at: number, bytes: number): Buffer {
    if (this.buffer.length - at >= bytes) return this.buffer;
    const next = Buffer.alloc(Math.max(this.buffer.length * 2, at + bytes));
    this.buffer.copy(next, 0, 0, at);
    this.buffer = next;
    return next;
  }
}
