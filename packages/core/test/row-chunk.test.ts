import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowChunk } from '../src/parts/row-chunk.js';
import type { RowEncoder } from '../src/writers/row-encoder.js';

const chunkBytes = 64 * 1024;

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/** Rows of one text value, encoded as is; JSON-like: a `,` before all but a part's first row. */
const encoder: RowEncoder = {
  format: 'json',
  partStart: '',
  partEnd: '',
  row: (row, first) => (first ? '' : ',') + String(row[0]),
  encode: (row, first, sink, at) => {
    const text = (first ? '' : ',') + String(row[0]);
    return at + sink.reserve(at, text.length * 3).write(text, at);
  },
};

describe('RowChunk', () => {
  it('reports the exact UTF-8 length of a staged row and keeps only committed rows', () => {
    const chunk = new RowChunk(chunkBytes);
    expect(chunk.stage(encoder, ['a,b\r\n'], true)).toBe(5);
    expect(chunk.staged).toBe(5);
    chunk.commit();
    expect(chunk.staged).toBe(0);
    expect(chunk.stage(encoder, ['ünï ✓ 日本 😀\n'], true)).toBe(
      Buffer.byteLength('ünï ✓ 日本 😀\n'),
    );
    // Staged but not committed: dropped, as when a row moves to the next part.
    expect(chunk.bytes).toBe(5);
    expect(text(chunk.take())).toBe('a,b\r\n');
    expect(chunk.take()).toBeUndefined();
  });

  it('staging again replaces the staged row', () => {
    const chunk = new RowChunk(chunkBytes);
    chunk.stage(encoder, ['{"a":1}'], false);
    expect(chunk.stage(encoder, ['{"a":1}'], true)).toBe(7);
    chunk.commit();
    expect(text(chunk.take())).toBe('{"a":1}');
  });

  it('never changes a chunk it handed out, and grows for a row larger than its buffer', () => {
    const chunk = new RowChunk(chunkBytes);
    chunk.stage(encoder, ['first'], true);
    chunk.commit();
    const first = chunk.take();
    const huge = 'é'.repeat(700_000); // 1.4 MB of UTF-8, past the 80 KiB buffer
    chunk.stage(encoder, ['x'], true);
    chunk.commit();
    chunk.stage(encoder, [huge], true);
    chunk.commit();
    expect(text(first)).toBe('first');
    expect(text(chunk.take())).toBe(`x${huge}`);
  });

  it('gives back exactly the committed rows in order, for any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.string({ unit: 'binary' }), keep: fc.boolean() })),
        (rows) => {
          const chunk = new RowChunk(chunkBytes);
          const taken: Uint8Array[] = [];
          let expected = '';
          for (const [i, { value, keep }] of rows.entries()) {
            expect(chunk.stage(encoder, [value], true)).toBe(Buffer.byteLength(value));
            if (keep) {
              chunk.commit();
              expected += value;
            }
            if (i % 7 === 6) taken.push(chunk.take() ?? new Uint8Array(0));
          }
          taken.push(chunk.take() ?? new Uint8Array(0));
          expect(Buffer.concat(taken)).toEqual(Buffer.from(expected, 'utf8'));
        },
      ),
    );
  });
});
