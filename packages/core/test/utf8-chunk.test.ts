import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Chunk } from '../src/parts/utf8-chunk.js';

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('Utf8Chunk', () => {
  it('reports the exact UTF-8 length of staged text and keeps only committed text', () => {
    const chunk = new Utf8Chunk();
    expect(chunk.stage('a,b\r\n')).toBe(5);
    expect(chunk.staged).toBe(5);
    chunk.commit();
    expect(chunk.staged).toBe(0);
    expect(chunk.stage('ünï ✓ 日本 😀\n')).toBe(Buffer.byteLength('ünï ✓ 日本 😀\n'));
    // Staged but not committed: dropped, as when a row moves to the next part.
    expect(chunk.bytes).toBe(5);
    expect(text(chunk.take())).toBe('a,b\r\n');
    expect(chunk.take()).toBeUndefined();
  });

  it('staging again replaces the staged text', () => {
    const chunk = new Utf8Chunk();
    chunk.stage(',{"a":1}');
    expect(chunk.stage('{"a":1}')).toBe(7);
    chunk.commit();
    expect(text(chunk.take())).toBe('{"a":1}');
  });

  it('never changes a slice it handed out, and grows for text larger than its slab', () => {
    const chunk = new Utf8Chunk();
    chunk.stage('first');
    chunk.commit();
    const first = chunk.take();
    const huge = 'é'.repeat(700_000); // 1.4 MB of UTF-8, past the 1 MiB slab
    chunk.stage('x');
    chunk.commit();
    chunk.stage(huge);
    chunk.commit();
    expect(text(first)).toBe('first');
    expect(text(chunk.take())).toBe(`x${huge}`);
  });

  it('gives back exactly the committed texts in order, for any texts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.string({ unit: 'binary' }), keep: fc.boolean() })),
        (rows) => {
          const chunk = new Utf8Chunk();
          const taken: Uint8Array[] = [];
          let expected = '';
          for (const [i, { value, keep }] of rows.entries()) {
            expect(chunk.stage(value)).toBe(Buffer.byteLength(value));
            if (keep) {
              chunk.commit();
              expected += value;
            }
            if (i % 7 === 6) taken.push(chunk.take() ?? new Uint8Array(0));
          }
          taken.push(chunk.take() ?? new Uint8Array(0));
          expect(Buffer.concat(taken).toString('utf8')).toBe(
            Buffer.from(expected, 'utf8').toString('utf8'),
          );
        },
      ),
    );
  });
});
