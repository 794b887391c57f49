import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src/ports/row-source.js';
import type { CsvOptions } from '../../src/request.js';
import { createRowEncoder, resolveCsvOptions } from '../../src/writers/index.js';

// Differential tests: csv-parse must read our CSV back to the values we wrote, and
// csv-stringify, cast to the same serialization contract, must write the very same bytes.

/** Characters that stress quoting and encoding, mixed with arbitrary code points. */
const awkward = [
  '"',
  ',',
  ';',
  '\t',
  '|',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '=',
  '-',
  '+',
  '@',
  "'",
  '\uFEFF',
];
const unit = fc.oneof(
  fc.constantFrom(...awkward),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
// Mostly short text, which the encoder copies by loops; some long enough for its native path.
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 60, maxLength: 300 }) },
);

const scalar = fc.oneof(
  text,
  text,
  fc.constant(''),
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
);
const structured = fc.oneof(
  fc.dictionary(text, fc.oneof(text, fc.integer(), fc.bigInt(), fc.boolean(), fc.constant(null)), {
    maxKeys: 3,
  }),
  fc.array(fc.oneof(text, fc.double(), fc.bigInt()), { maxLength: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => ({ toJSON: () => s })),
);
const value = fc.oneof({ weight: 8, arbitrary: scalar }, { weight: 1, arbitrary: structured });

const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.record({
    names: fc.array(text, { minLength: width, maxLength: width }),
    rows: fc.array(fc.array(value, { minLength: width, maxLength: width }), { maxLength: 12 }),
  }),
);

const options: fc.Arbitrary<CsvOptions> = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  lineEnding: fc.constantFrom('crlf' as const, 'lf' as const),
  bom: fc.boolean(),
  header: fc.boolean(),
});

/** Our encoder over a whole part. */
function encode(names: readonly string[], rows: readonly Row[], csv: Required<CsvOptions>): string {
  const columns: Column[] = names.map((name) => ({ name }));
  const encoder = createRowEncoder('csv', columns, { csv });
  let out = encoder.partStart;
  rows.forEach((row, i) => {
    out += encoder.row(row, i === 0);
  });
  return out + encoder.partEnd;
}

/** The contract, written independently of ours, as csv-stringify casts. */
function referenceText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'object') {
    const json = (v as { toJSON?: () => unknown }).toJSON?.();
    if (typeof json === 'string') return json;
    return JSON.stringify(v, (_k, x) =>
      typeof x === 'bigint' || (typeof x === 'number' && !Number.isFinite(x)) ? String(x) : x,
    );
  }
  return String(v);
}

function stringifyOracle(
  names: readonly string[],
  rows: readonly Row[],
  csv: Required<CsvOptions>,
): string {
  // An empty string is written `""`, null as an empty field; in a one-column row null is `""`
  // too, so the row is not a blank line (see createCsvEncoder).
  const quotedEmpty = { value: '', quoted_empty: true };
  const empty = names.length === 1 ? quotedEmpty : '';
  return stringify(rows as unknown[][], {
    // Object columns, since csv-stringify refuses an empty string as a column key.
    columns: names.map((header, i) => ({ key: String(i), header })),
    header: csv.header,
    bom: csv.bom,
    delimiter: csv.delimiter,
    record_delimiter: csv.lineEnding === 'lf' ? '\n' : '\r\n',
    // csv-stringify 6.9 stops quoting a lone CR or LF once record_delimiter is set.
    quote_record_delimiter: true,
    escape_formulas: csv.profile === 'spreadsheet',
    cast: {
      string: (v) => (v === '' ? quotedEmpty : v),
      null: () => empty,
      undefined: () => empty,
      boolean: (v) => (v ? 'true' : 'false'),
      number: (v) => String(v),
      bigint: (v) => v.toString(),
      date: (v) => v.toISOString(),
      object: (v) => referenceText(v) || quotedEmpty,
    },
  });
}

describe('CSV against csv-parse and csv-stringify (property-based)', () => {
  it('parses back with csv-parse to the values written (null as empty)', () => {
    fc.assert(
      fc.property(table, options, ({ names, rows }, asked) => {
        const csv = resolveCsvOptions(asked);
        const records = parse(encode(names, rows, csv), {
          // Strip a BOM only when we wrote one: a first field may itself start with U+FEFF.
          bom: csv.bom,
          delimiter: csv.delimiter,
          record_delimiter: csv.lineEnding === 'lf' ? '\n' : '\r\n',
        }) as string[][];
        const expected = rows.map((row) => row.map(referenceText));
        expect(records).toEqual(csv.header ? [[...names], ...expected] : expected);
      }),
      { numRuns: 400 },
    );
  });

  it('writes exactly the bytes csv-stringify writes under the same options', () => {
    fc.assert(
      fc.property(table, options, ({ names, rows }, asked) => {
        const csv = resolveCsvOptions(asked);
        fc.pre(rows.length > 0 || (csv.header && !csv.bom)); // csv-stringify's BOM needs a record
        expect(encode(names, rows, csv)).toBe(stringifyOracle(names, rows, csv));
      }),
      { numRuns: 400 },
    );
  });

  it('matches csv-stringify with escape_formulas in the spreadsheet profile', () => {
    // Plain text, numbers, bigints and booleans: csv-stringify also prefixes Date text and
    // `toJSON` results, which exportkit leaves alone (see the unit tests).
    const sheetValue = fc.oneof(
      text,
      text,
      fc.constant(null),
      fc.integer(),
      fc.double(),
      fc.bigInt(),
      fc.boolean(),
    );
    const sheetTable = fc.integer({ min: 1, max: 4 }).chain((width) =>
      fc.record({
        names: fc.array(text, { minLength: width, maxLength: width }),
        rows: fc.array(fc.array(sheetValue, { minLength: width, maxLength: width }), {
          minLength: 1,
          maxLength: 12,
        }),
      }),
    );
    fc.assert(
      fc.property(sheetTable, fc.constantFrom(',', ';', '\t'), ({ names, rows }, delimiter) => {
        const csv = resolveCsvOptions({ profile: 'spreadsheet', delimiter });
        expect(encode(names, rows, csv)).toBe(stringifyOracle(names, rows, csv));
      }),
      { numRuns: 400 },
    );
  });
});
