import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isExportkitError } from '../../src/errors.js';
import type { Column, Row } from '../../src/ports/row-source.js';
import { createRowEncoder } from '../../src/writers/index.js';

function encode(
  format: 'ndjson' | 'json',
  columns: readonly Column[],
  rows: readonly Row[],
): string {
  const encoder = createRowEncoder(format, columns, {});
  return encoder.partStart + rows.map((r, i) => encoder.row(r, i === 0)).join('') + encoder.partEnd;
}

const cols = (...names: string[]): Column[] => names.map((name) => ({ name }));

describe('NDJSON encoder', () => {
  it('writes one object per line keyed by column name', () => {
    expect(
      encode('ndjson', cols('id', 'name'), [
        [1, 'a\nb'],
        [2, null],
      ]),
    ).toBe('{"id":1,"name":"a\\nb"}\n{"id":2,"name":null}\n');
  });

  it('writes every contract type', () => {
    const row = [
      Number.NaN,
      5n,
      true,
      new Date(0),
      Buffer.from('hi'),
      { a: 1n },
      undefined,
      '{"x": [1,\n 2]}',
      '0.10',
    ];
    const columns: Column[] = [
      ...cols('nan', 'big', 'bool', 'date', 'bin', 'obj', 'undef'),
      { name: 'doc', type: 'json' },
      { name: 'amount', type: 'decimal' },
    ];
    const line = encode('ndjson', columns, [row]);
    expect(line).toBe(
      '{"nan":"NaN","big":"5","bool":true,"date":"1970-01-01T00:00:00.000Z","bin":"aGk=","obj":{"a":"1"},"undef":null,"doc":{"x":[1,2]},"amount":"0.10"}\n',
    );
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });

  it('writes nothing around the rows, and {} for no columns', () => {
    const encoder = createRowEncoder('ndjson', [], {});
    expect([encoder.partStart, encoder.row([], true), encoder.partEnd]).toEqual(['', '{}\n', '']);
  });

  it('refuses duplicate column names, since a JSON object would drop one', () => {
    let caught: unknown;
    try {
      createRowEncoder('ndjson', cols('a', 'a'), {});
    } catch (error) {
      caught = error;
    }
    expect(isExportkitError(caught, 'INVALID_REQUEST')).toBe(true);
  });
});

describe('JSON encoder', () => {
  it('streams one array per part', () => {
    const out = encode('json', cols('a'), [[1], ['x']]);
    expect(out).toBe('[\n{"a":1},\n{"a":"x"}\n]\n');
    expect(JSON.parse(out)).toEqual([{ a: 1 }, { a: 'x' }]);
  });

  it('writes a valid empty array for an empty part', () => {
    const out = encode('json', cols('a'), []);
    expect(out).toBe('[\n]\n');
    expect(JSON.parse(out)).toEqual([]);
  });

  it('escapes key names', () => {
    expect(JSON.parse(encode('json', cols('say "hi"\n', '😀'), [[1, 2]]))).toEqual([
      { 'say "hi"\n': 1, '😀': 2 },
    ]);
  });
});

describe('NDJSON and JSON parse back with JSON.parse (property-based)', () => {
  const text = fc.string({ unit: 'binary', maxLength: 10 });
  const value = fc.oneof(
    text,
    fc.constant(null),
    fc.constant(undefined),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.boolean(),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 6 }),
    fc.dictionary(text, fc.oneof(text, fc.integer(), fc.bigInt(), fc.constant(null)), {
      maxKeys: 3,
    }),
    fc.array(fc.oneof(text, fc.double()), { maxLength: 3 }),
  );
  const table = fc.uniqueArray(text, { minLength: 1, maxLength: 5 }).chain((names) =>
    fc.record({
      names: fc.constant(names),
      rows: fc.array(fc.array(value, { minLength: names.length, maxLength: names.length }), {
        maxLength: 10,
      }),
    }),
  );

  /** The contract as plain JS values, written independently of the encoder. */
  const expected = (v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return String(v);
    // JSON has no -0: `-0 + 0` is 0.
    if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : String(v);
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (Array.isArray(v)) return v.map(expected);
    if (typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
    }
    return v;
  };
  const asObjects = (names: readonly string[], rows: readonly Row[]) =>
    rows.map((row) => Object.fromEntries(names.map((name, i) => [name, expected(row[i])])));

  it('NDJSON: one JSON.parse-able object per line', () => {
    fc.assert(
      fc.property(table, ({ names, rows }) => {
        const out = encode('ndjson', cols(...names), rows);
        const lines = out === '' ? [] : out.slice(0, -1).split('\n');
        expect(lines.map((line) => JSON.parse(line))).toEqual(asObjects(names, rows));
      }),
      { numRuns: 300 },
    );
  });

  it('JSON: the part is one JSON.parse-able array', () => {
    fc.assert(
      fc.property(table, ({ names, rows }) => {
        expect(JSON.parse(encode('json', cols(...names), rows))).toEqual(asObjects(names, rows));
      }),
      { numRuns: 300 },
    );
  });
});

describe('long rows (the buffer grows mid-row)', () => {
  it('NDJSON writes values far longer than its buffer exactly as JSON.stringify does', () => {
    const long = `${'é"\\\n'.repeat(3000)}😀\uD800`;
    const columns = cols('a', 'x'.repeat(5000), 'c');
    const row = [long, 42, long];
    const expected = `${JSON.stringify({ a: long, ['x'.repeat(5000)]: 42, c: long })}\n`;
    expect(encode('ndjson', columns, [row])).toBe(expected);
  });
});
