import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oids, parseTimestamp } from '../src/column-types.js';
import { contractKinds, createCopyRewriter, sameKinds } from '../src/copy-rewriter.js';

/*
 * The COPY rewriter against a reference built from the values themselves: rows shaped as COPY
 * writes them (a field quoted as a whole when it holds a delimiter, quote, CR or LF, or is the
 * empty string), in PostgreSQL's native text, cut into chunks at random offsets.
 */

type Cell = { native: string; contract: string };

const text: fc.Arbitrary<Cell> = fc
  .array(fc.constantFrom('a', ';', ',', '"', '\n', '\r', 'ü', ' ', 't', '\\x'), { maxLength: 12 })
  .map((parts) => {
    const value = parts.join('');
    const field =
      /[;,"\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
    return { native: field, contract: field };
  });
const nullCell: fc.Arbitrary<Cell> = fc.constant({ native: '', contract: '' });
const bool: fc.Arbitrary<Cell> = fc.boolean().map((b) => ({
  native: b ? 't' : 'f',
  contract: b ? 'true' : 'false',
}));
const timestamp = (withZone: boolean): fc.Arbitrary<Cell> =>
  fc
    .tuple(
      fc.integer({ min: -62_000_000_000_000, max: 253_000_000_000_000 }),
      fc.integer({ min: 0, max: 999 }),
      fc.constantFrom('infinity', '-infinity', ''),
    )
    .map(([ms, micros, special]) => {
      if (special) return { native: special, contract: special };
      const iso = new Date(ms).toISOString();
      const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
      const fraction = `${iso.slice(20, 23)}${String(micros).padStart(3, '0')}`.replace(/0+$/, '');
      const native = `${date} ${time}${fraction ? `.${fraction}` : ''}${withZone ? '+00' : ''}`;
      const parsed = parseTimestamp(native);
      return { native, contract: typeof parsed === 'string' ? parsed : parsed.toISOString() };
    });
const bytea: fc.Arbitrary<Cell> = fc.uint8Array({ maxLength: 40 }).map((bytes) => {
  const buffer = Buffer.from(bytes);
  return { native: `\\x${buffer.toString('hex')}`, contract: buffer.toString('base64') };
});

const columnTypes = [oids.bool, 25, oids.timestamptz, oids.bytea, 25, oids.timestamp] as const;
const cellFor = (oid: number): fc.Arbitrary<Cell> =>
  fc.oneof(
    { weight: 1, arbitrary: nullCell },
    {
      weight: 4,
      arbitrary:
        oid === oids.bool
          ? bool
          : oid === oids.timestamptz
            ? timestamp(true)
            : oid === oids.timestamp
              ? timestamp(false)
              : oid === oids.bytea
                ? bytea
                : text,
    },
  );

function rewriteInChunks(
  rewrite: (chunk: Buffer) => Buffer,
  bytes: Buffer,
  cuts: number[],
): string {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    out.push(rewrite(bytes.subarray(from, point)));
    from = point;
  }
  return Buffer.concat(out).toString();
}

describe('COPY rewriter', () => {
  for (const [delimiter, lineEnding] of [
    [',', 'crlf'],
    [';', 'lf'],
  ] as const) {
    it(`writes the contract however the bytes are chunked (${JSON.stringify(delimiter)}, ${lineEnding})`, () => {
      const kinds = contractKinds([...columnTypes]);
      if (!kinds) throw new Error('expected rewritten columns');
      const eol = lineEnding === 'crlf' ? '\r\n' : '\n';
      fc.assert(
        fc.property(
          fc.array(fc.tuple(...columnTypes.map(cellFor)), { maxLength: 8 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          (rows, cuts) => {
            const native = rows.map((r) => `${r.map((c) => c.native).join(delimiter)}\n`).join('');
            const expected = rows
              .map((r) => `${r.map((c) => c.contract).join(delimiter)}${eol}`)
              .join('');
            const rewrite = createCopyRewriter(kinds, delimiter, lineEnding);
            expect(rewriteInChunks(rewrite, Buffer.from(native), cuts)).toBe(expected);
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('turns LF row ends outside quotes into CRLF and leaves everything else alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, text, text), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (rows, cuts) => {
          const native = rows.map((r) => `${r.map((c) => c.native).join(',')}\n`).join('');
          const rewrite = createCopyRewriter(sameKinds(3), ',', 'crlf');
          expect(rewriteInChunks(rewrite, Buffer.from(native), cuts)).toBe(
            rows.map((r) => `${r.map((c) => c.native).join(',')}\r\n`).join(''),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('rewrites the common forms byte for byte', () => {
    const kinds = contractKinds([oids.bool, oids.timestamptz, oids.timestamp, oids.bytea]);
    if (!kinds) throw new Error('expected rewritten columns');
    const rewrite = createCopyRewriter(kinds, ',', 'lf');
    const input = [
      't,2024-01-02 03:04:05+00,2024-01-02 03:04:05.5,\\x0102ff',
      'f,2024-01-02 03:04:05.123456+00,0050-01-01 00:00:00,\\x',
      ',infinity,2024-01-02 03:04:05+00 BC,',
      '',
    ].join('\n');
    expect(rewrite(Buffer.from(input)).toString()).toBe(
      [
        'true,2024-01-02T03:04:05.000Z,2024-01-02T03:04:05.500Z,AQL/',
        'false,2024-01-02T03:04:05.123Z,0050-01-01 00:00:00,',
        ',infinity,2024-01-02 03:04:05+00 BC,',
        '',
      ].join('\n'),
    );
  });
});
