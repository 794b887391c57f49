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
export function writeJsonString(buf: Uint8Array, pos: number, text: string): number {
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
