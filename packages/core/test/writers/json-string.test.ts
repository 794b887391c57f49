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

  it('escapes lone surrogates as JSON.stringify does, and keeps pairs as 4-byte UTF-8', () => {
    expect(written('a\uD800b\uDFFF😀').toString()).toBe('"a\\ud800b\\udfff😀"');
    expect(written('\u0001"\\').toString()).toBe('"\\u0001\\"\\\\"');
  });
});
