import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxBytesPerUnit, textOf, writeUtf8 } from '../../src/writers/byte-sink.js';

function utf8(text: string, doubleQuotes = false): Buffer {
  const buf = new Uint8Array(text.length * maxBytesPerUnit + 1);
  return Buffer.from(buf.subarray(0, writeUtf8(buf, 0, text, 0, doubleQuotes)));
}

describe('writeUtf8', () => {
  it('writes the bytes Buffer.from writes, for any text (lone surrogates become U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8(text)).toEqual(Buffer.from(text, 'utf8'));
      }),
    );
    expect(utf8('a\uD800b\uDC00')).toEqual(Buffer.from('a\uFFFDb\uFFFD'));
    expect(utf8('😀\uD83D')).toEqual(Buffer.from('😀\uFFFD'));
  });

  it('doubles quotes on request, and writes from the unit it is given', () => {
    expect(utf8('say "hi" ü', true).toString()).toBe('say ""hi"" ü');
    const buf = new Uint8Array(16);
    const end = writeUtf8(buf, 2, 'abc"d', 3, true);
    expect(Buffer.from(buf.subarray(2, end)).toString()).toBe('""d');
  });
});

describe('textOf', () => {
  it('grows its scratch buffer for long rows', () => {
    const row = textOf<string>((text, _first, sink, at) =>
      writeUtf8(sink.reserve(at, text.length * maxBytesPerUnit), at, text),
    );
    expect(row('short', true)).toBe('short');
    const long = 'ü'.repeat(10_000);
    expect(row(long, true)).toBe(long);
  });
});
