import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxJsonBytesPerUnit, writeJsonString } from '../../src/writers/json-string.js';

function written(text: string): Buffer {
  const buf = Buffer.alloc(text.length * maxJsonBytesPerUnit + 2);
  return buf.subarray(0, writeJsonString(buf, 0, text));
}

describe('writeJsonString', () => {
  it('writes the UTF-8 bytes of JSON.stringify(text), for any text', () => {
    const awkward = fc.constantFrom(
      '"',
      '\\',
      '\b',
      '\f',
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u001f',
      '\u007f',
      '\u2028',
    );
    const unit = fc.oneof(awkward, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (text) => {
        expect(written(text)).toEqual(Buffer.from(JSON.stringify(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes long text alike, whatever it holds and wherever (the native path from 128 units)', () => {
    const plain = fc.constantFrom('a', ' ', 'é', '日', '😀', '\u007f', '\u2028');
    const rare = fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u0001',
      '\u001f',
      '\uD800',
    );
    const long = fc.tuple(
      fc.string({ unit: plain, minLength: 100, maxLength: 400 }),
      fc.option(rare, { nil: '' }),
      fc.nat(),
    );
    fc.assert(
      fc.property(long, ([body, odd, at]) => {
        const i = at % (body.length + 1);
        const text = body.slice(0, i) + odd + body.slice(i);
        expect(written(text)).toEqual(Buffer.from(JSON.stringify(text)));
      }),
      { numRuns: 1000 },
    );
    for (const length of [127, 128, 129]) {
      for (const odd of ['', '\u0001', '\u001f', '\n', '"', '\uDC00']) {
        // At every offset of the last eight, so the byte scan's word and tail paths both see it.
        for (let from = length - 8; from < length; from++) {
          const text = `${'x'.repeat(from)}${odd}${'y'.repeat(length - from)}`;
          expect(written(text).toString()).toBe(JSON.stringify(text));
        }
      }
    }
  });

  it('writes long text with many escapes alike, sparse or dense, next to each other or apart', () => {
    const plain = fc.constantFrom('a', ' ', 'é', '日', '😀', '.');
    const needsEscape = fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\b',
      '\f',
      '\u0000',
      '\u001f',
    );
    // From one escape in ~40 units (escaped in place) to one in 2 (left to the loop).
    const long = fc.integer({ min: 2, max: 40 }).chain((every) =>
      fc.string({
        unit: fc.oneof(
          { arbitrary: plain, weight: every - 1 },
          { arbitrary: needsEscape, weight: 1 },
        ),
        minLength: 128,
        maxLength: 600,
      }),
    );
    fc.assert(
      fc.property(long, (text) => {
        expect(written(text)).toEqual(Buffer.from(JSON.stringify(text)));
      }),
      { numRuns: 1000 },
    );
    const cases = [
      // Escapes first, last, and side by side.
      `"\\${'x'.repeat(200)}\n\t`,
      `${'y'.repeat(150)}""""\\\\\n\n${'z'.repeat(20)}`,
      // Sparse in its first 64 units, dense after: found dense once scanned.
      `${'p'.repeat(64)}${'"'.repeat(100)}`,
      // Over 256 escapes, sparse enough to escape in place: the offsets' store grows.
      `${'word '.repeat(8)}\n`.repeat(400),
      // Control characters alone, without quotes or line breaks (the control-only scan).
      `${'q'.repeat(130)}\u0001${'r'.repeat(50)}\u001f`,
    ];
    for (const text of cases) expect(written(text).toString()).toBe(JSON.stringify(text));
  });

  it('writes a huge text with escapes alike, and the next texts after it', () => {
    // ~70,000 escapes, one in 20 bytes: escaped in place, past the offsets kept between calls.
    const huge = `${'a line of prose, '.repeat(3)}"quoted"\n`.repeat(23_400);
    expect(written(huge).toString()).toBe(JSON.stringify(huge));
    const next = `${'x'.repeat(200)}"\n${'y'.repeat(200)}`;
    expect(written(next).toString()).toBe(JSON.stringify(next));
  });

  it('escapes lone surrogates as JSON.stringify does, and keeps pairs as 4-byte UTF-8', () => {
    expect(written('a\uD800b\uDFFF😀').toString()).toBe('"a\\ud800b\\udfff😀"');
    expect(written('\u0001"\\').toString()).toBe('"\\u0001\\"\\\\"');
  });
});
