import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRowScanner } from '../src/parts/csv-row-scanner.js';
import type { Row } from '../src/ports/row-source.js';
import { createRowEncoder, resolveCsvOptions } from '../src/writers/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('csvRowScanner', () => {
  it('reports the offset just after each row end', () => {
    expect(csvRowScanner().scan(bytes('a,b\nc,d\r\ne\n'))).toEqual([4, 9, 11]);
  });

  it('never ends a row inside quotes, and reads doubled quotes as quotes', () => {
    const text = 'a,"x\ny\r\nz"\n"say ""hi""\n",1\n';
    expect(csvRowScanner().scan(bytes(text))).toEqual([11, text.length]);
  });

  it('carries the quote state across chunks', () => {
    const scanner = csvRowScanner();
    expect(scanner.scan(bytes('1,"a\n'))).toEqual([]);
    expect(scanner.inQuotes).toBe(true);
    expect(scanner.atRowStart).toBe(false);
    expect(scanner.scan(bytes('b""'))).toEqual([]);
    expect(scanner.scan(bytes('"\r'))).toEqual([]);
    expect(scanner.inQuotes).toBe(false);
    expect(scanner.scan(bytes('\n2\n'))).toEqual([1, 3]);
    expect(scanner.atRowStart).toBe(true);
    expect(scanner.scan(new Uint8Array(0))).toEqual([]);
    expect(scanner.atRowStart).toBe(true);
  });

  it('reset() forgets the state', () => {
    const scanner = csvRowScanner();
    scanner.scan(bytes('"open\n'));
    scanner.reset();
    expect(scanner.scan(bytes('x\n'))).toEqual([2]);
  });

  it('advance() stops at maxRows and at the first row end at or past endAtOrAfter', () => {
    const scanner = csvRowScanner();
    const chunk = bytes('aa\nb\n"c\n"\nd\n');
    expect(scanner.advance(chunk, 0, { maxRows: 2 })).toEqual({
      rows: 2,
      end: 5,
      limitReached: true,
    });
    expect(scanner.advance(chunk, 5, { endAtOrAfter: 6 })).toEqual({
      rows: 1,
      end: 10,
      limitReached: true,
    });
    expect(scanner.advance(chunk, 10)).toEqual({ rows: 1, end: 12, limitReached: false });
    expect(scanner.advance(chunk, 12, { maxRows: 1 })).toEqual({
      rows: 0,
      end: 12,
      limitReached: false,
    });
    expect(scanner.advance(chunk, 0, { maxRows: 0 })).toEqual({
      rows: 0,
      end: 0,
      limitReached: true,
    });
  });
});

describe('csvRowScanner on our own CSV cut into random chunks (property-based)', () => {
  const unit = fc.oneof(
    fc.constantFrom('"', ',', ';', '\r', '\n', '\r\n', '""', 'a', 'é', '😀'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  // Long values too, quote-free stretches and quoted ones with LFs, which the scanner jumps.
  const plain = fc.constantFrom('a', 'b', ' ', '1');
  const value = fc.oneof(
    fc.string({ unit, maxLength: 10 }),
    fc.string({ unit, minLength: 20, maxLength: 80 }),
    fc.string({ unit: plain, minLength: 20, maxLength: 100 }),
    fc
      .tuple(fc.string({ unit: plain, maxLength: 60 }), fc.string({ unit, maxLength: 60 }))
      .map(([head, tail]) => `${head}\n${tail}`),
    fc.constant(null),
    fc.integer(),
  );
  const document = fc
    .record({
      width: fc.integer({ min: 1, max: 4 }),
      lineEnding: fc.constantFrom('crlf' as const, 'lf' as const),
      delimiter: fc.constantFrom(',', ';', '\t'),
    })
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        rows: fc.array(fc.array(value, { minLength: shape.width, maxLength: shape.width }), {
          minLength: 1,
          maxLength: 30,
        }),
        cuts: fc.array(fc.nat(), { maxLength: 40 }),
        // Offsets inside a larger buffer, so chunks start at every alignment.
        shifts: fc.array(fc.nat({ max: 7 }), { minLength: 41, maxLength: 41 }),
      }),
    );

  /** The encoded rows and the offset just after each, computed from the encoder's own rows. */
  function encode(
    rows: readonly Row[],
    shape: { width: number; lineEnding: 'crlf' | 'lf'; delimiter: string },
  ) {
    const columns = Array.from({ length: shape.width }, (_, i) => ({ name: `c${i}` }));
    const csv = resolveCsvOptions({
      lineEnding: shape.lineEnding,
      delimiter: shape.delimiter,
      header: false,
    });
    const encoder = createRowEncoder('csv', columns, { csv });
    const ends: number[] = [];
    let length = 0;
    const text = rows
      .map((row, i) => {
        const line = encoder.row(row, i === 0);
        length += Buffer.byteLength(line);
        ends.push(length);
        return line;
      })
      .join('');
    return { data: bytes(text), ends };
  }

  /** Splits `data` at `cuts`, copying each chunk to a random offset of its own buffer. */
  function chunksOf(data: Uint8Array, cuts: readonly number[], shifts: readonly number[]) {
    const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
    const bounds = [0, ...at, data.length];
    const chunks: { start: number; chunk: Uint8Array }[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const [start, end] = [bounds[i]!, bounds[i + 1]!];
      const shift = shifts[i % shifts.length]!;
      const backing = new Uint8Array(end - start + shift + 8);
      backing.set(data.subarray(start, end), shift);
      chunks.push({ start, chunk: backing.subarray(shift, shift + end - start) });
    }
    return chunks;
  }

  it('scan() finds exactly the row ends, whatever the chunking', () => {
    fc.assert(
      fc.property(document, ({ shape, rows, cuts, shifts }) => {
        const { data, ends } = encode(rows, shape);
        const scanner = csvRowScanner();
        const found = chunksOf(data, cuts, shifts).flatMap(({ start, chunk }) =>
          scanner.scan(chunk).map((end) => start + end),
        );
        expect(found).toEqual(ends);
        expect(scanner.atRowStart).toBe(true);
        expect(scanner.inQuotes).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('scan() finds them in one-byte chunks too', () => {
    fc.assert(
      fc.property(document, ({ shape, rows }) => {
        const { data, ends } = encode(rows, shape);
        const scanner = csvRowScanner();
        const found: number[] = [];
        for (let i = 0; i < data.length; i++) {
          if (scanner.scan(data.subarray(i, i + 1)).length === 1) found.push(i + 1);
        }
        expect(found).toEqual(ends);
      }),
      { numRuns: 50 },
    );
  });

  it('advance() cuts parts after every maxRows rows, or at the first row end past a byte budget', () => {
    const limits = fc.record({
      maxRows: fc.integer({ min: 1, max: 7 }),
      budget: fc.integer({ min: 1, max: 200 }),
    });
    fc.assert(
      fc.property(
        document,
        limits,
        fc.boolean(),
        ({ shape, rows, cuts, shifts }, limit, byBytes) => {
          const { data, ends } = encode(rows, shape);
          // Expected cuts, from the known row ends.
          const expected: number[] = [];
          let partStart = 0;
          let partRows = 0;
          for (const end of ends) {
            partRows++;
            if (byBytes ? end - partStart >= limit.budget : partRows === limit.maxRows) {
              expected.push(end);
              partStart = end;
              partRows = 0;
            }
          }
          // The part-writer loop, driven by advance().
          const scanner = csvRowScanner();
          const found: number[] = [];
          let rowsSeen = 0;
          partStart = 0;
          partRows = 0;
          for (const { start, chunk } of chunksOf(data, cuts, shifts)) {
            let from = 0;
            while (from < chunk.length) {
              const step = scanner.advance(
                chunk,
                from,
                byBytes
                  ? { endAtOrAfter: partStart + limit.budget - start }
                  : { maxRows: limit.maxRows - partRows },
              );
              rowsSeen += step.rows;
              partRows += step.rows;
              if (step.limitReached) {
                found.push(start + step.end);
                partStart = start + step.end;
                partRows = 0;
              }
              from = step.end;
            }
          }
          expect(found).toEqual(expected);
          expect(rowsSeen).toBe(ends.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
