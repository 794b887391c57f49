import { describe, expect, it } from 'vitest';
import { isExportkitError } from '../../src/errors.js';
import type { Column, Row } from '../../src/ports/row-source.js';
import type { CsvOptions, ExportFormat } from '../../src/request.js';
import { createRowEncoder, resolveCsvOptions } from '../../src/writers/index.js';

function csv(columns: readonly Column[], rows: readonly Row[], options: CsvOptions = {}): string {
  const encoder = createRowEncoder('csv', columns, { csv: resolveCsvOptions(options) });
  return encoder.partStart + rows.map((r, i) => encoder.row(r, i === 0)).join('') + encoder.partEnd;
}

const cols = (...names: string[]): Column[] => names.map((name) => ({ name }));

describe('CSV encoder (RFC 4180)', () => {
  it('writes a header and CRLF rows by default', () => {
    expect(
      csv(cols('id', 'name'), [
        [1, 'ann'],
        [2, 'bob'],
      ]),
    ).toBe('id,name\r\n1,ann\r\n2,bob\r\n');
  });

  it('quotes only fields holding the delimiter, a quote, CR or LF, doubling quotes', () => {
    const row = ['plain', 'a,b', 'say "hi"', 'cr\rx', 'lf\nx', 'crlf\r\nx', ' padded ', "it's", ''];
    expect(csv(cols(...row.map((_, i) => `c${i}`)), [row], { header: false })).toBe(
      'plain,"a,b","say ""hi""","cr\rx","lf\nx","crlf\r\nx", padded ,it\'s,""\r\n',
    );
  });

  it('quotes a field whose first quote-worthy character comes late, short or long before it', () => {
    // The ASCII head already copied moves right for the opening quote: by a loop up to 64
    // bytes, by copyWithin past that.
    const row = [63, 64, 65, 200].map((n) => `${'x'.repeat(n)},"end`);
    expect(csv(cols('a', 'b', 'c', 'd'), [row], { header: false })).toBe(
      `${row.map((field) => `"${field.replace('"', '""')}"`).join(',')}\r\n`,
    );
  });

  it('writes text of any length alike, on both sides of the native path for long text', () => {
    // From 64 units text is scanned by `includes` and copied by Buffer#write; with a quote it
    // stays on the loops below 256 units.
    const holds = ['', ';', ',', '"', '\r', '\n', 'é', '日本', '😀', '\uD800', '\uDFFFx'];
    const fields = [63, 64, 255, 256, 5000].flatMap((length) =>
      holds.map((held) => `${held}${'abc '.repeat(length)}`.slice(0, length - held.length) + held),
    );
    const expected = (field: string) =>
      /[,"\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
    const written = csv(
      cols('text'),
      fields.map((field) => [field]),
      { header: false },
    );
    // Buffer.from turns a lone surrogate into U+FFFD, as the encoder writes it.
    const wanted = Buffer.from(fields.map((field) => `${expected(field)}\r\n`).join(''));
    expect(written).toBe(wanted.toString());
  });

  it('writes numbers and bigints as String(n) does, at the edges of the fast paths too', () => {
    const numbers = [0, -0, 9, 10, -10, 99, 100, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1];
    const more = [-(2 ** 53 - 1), 2 ** 53, 1e21, -1.5e-7, 0.1 + 0.2, Number.NEGATIVE_INFINITY];
    const bigints = [
      0n,
      -1n,
      999_999_999n,
      1_000_000_000n,
      2n ** 53n - 1n,
      2n ** 53n,
      -(2n ** 63n),
    ];
    const row = [...numbers, ...more, ...bigints];
    expect(csv(cols(...row.map((_, i) => `c${i}`)), [row], { header: false })).toBe(
      `${row.map(String).join(',')}\r\n`,
    );
  });

  it('writes text in any script and a non-ASCII delimiter as UTF-8, quoting where needed', () => {
    const row = ['ünï', '日本 ✓', '😀', 'a§b', 'x"ü"'];
    expect(csv(cols('a', 'b', 'c', 'd', 'e'), [row], { header: false, delimiter: '§' })).toBe(
      'ünï§日本 ✓§😀§"a§b"§"x""ü"""\r\n',
    );
  });

  it('writes every contract type, nulls as empty fields', () => {
    const row = [
      -7,
      0.5,
      Number.NaN,
      12345678901234567890n,
      true,
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      Buffer.from('hi'),
      { a: [1, 'x,y'] },
      null,
      undefined,
    ];
    expect(
      csv(cols(...row.map((_, i) => `c${i}`)), [row], { header: false, lineEnding: 'lf' }),
    ).toBe(
      '-7,0.5,NaN,12345678901234567890,true,2024-01-02T03:04:05.006Z,aGk=,"{""a"":[1,""x,y""]}",,\n',
    );
  });

  it('writes a BOM before the header when asked', () => {
    expect(csv(cols('a'), [['x']], { bom: true })).toBe('\uFEFFa\r\nx\r\n');
    expect(csv(cols('a'), [['x']], { bom: true, header: false })).toBe('\uFEFFx\r\n');
  });

  it('ends rows with LF on request, and leaves the header out on request', () => {
    expect(csv(cols('a', 'b'), [['x', 'y\nz']], { lineEnding: 'lf', header: false })).toBe(
      'x,"y\nz"\n',
    );
  });

  it('quotes by the chosen delimiter', () => {
    expect(csv(cols('a;b', 'c'), [['1,5', '1;5']], { delimiter: ';' })).toBe(
      '"a;b";c\r\n1,5;"1;5"\r\n',
    );
    expect(csv(cols('a'), [['t\tb', 'x']], { delimiter: '\t', header: false })).toBe('"t\tb"\r\n');
  });

  it('quotes numbers and dates too when the delimiter is a character they hold', () => {
    expect(
      csv(cols('n', 'd', 'b'), [[1.5, new Date(0), 10n]], { delimiter: '.', header: false }),
    ).toBe('"1.5"."1970-01-01T00:00:00.000Z".10\r\n');
    expect(csv(cols('n', 'b'), [[-1, -2n]], { delimiter: '-', header: false })).toBe(
      '"-1"-"-2"\r\n',
    );
  });

  it('writes the empty field of a one-column row as "" so the row is not a blank line', () => {
    expect(csv(cols('only'), [[''], [null], ['x']])).toBe('only\r\n""\r\n""\r\nx\r\n');
  });

  it('keeps an empty string ("") apart from null (empty field), as Postgres COPY does', () => {
    const row = [null, '', Buffer.alloc(0)];
    expect(csv(cols('a', 'b', 'c'), [row], { header: false })).toBe(',"",""\r\n');
  });

  it('writes missing trailing values as empty fields and ignores extra ones', () => {
    expect(csv(cols('a', 'b', 'c'), [['x'], ['1', '2', '3', '4']], { header: false })).toBe(
      'x,,\r\n1,2,3\r\n',
    );
  });

  it('defaults the CSV options when the caller passes none', () => {
    const encoder = createRowEncoder('csv', cols('a'), {});
    expect(encoder.partStart).toBe('a\r\n');
    expect(encoder.partEnd).toBe('');
    expect(encoder.format).toBe('csv');
  });

  it('refuses an unknown format with UNSUPPORTED_FORMAT', () => {
    let caught: unknown;
    try {
      createRowEncoder('xml' as ExportFormat, cols('a'), {});
    } catch (error) {
      caught = error;
    }
    expect(isExportkitError(caught, 'UNSUPPORTED_FORMAT')).toBe(true);
  });

  it('throws SERIALIZATION_ERROR for an invalid Date', () => {
    const encoder = createRowEncoder('csv', cols('d'), {});
    expect(() => encoder.row([new Date(Number.NaN)], true)).toThrow(
      /column "d" holds an invalid Date/,
    );
  });
});

describe('CSV encoder, spreadsheet profile', () => {
  /** Rows only: the BOM and header belong to `partStart`. */
  const sheet = (columns: readonly Column[], rows: readonly Row[]) => {
    const csvOptions = resolveCsvOptions({ profile: 'spreadsheet' });
    const encoder = createRowEncoder('csv', columns, { csv: csvOptions });
    return rows.map((r, i) => encoder.row(r, i === 0)).join('');
  };

  it('writes a BOM and CRLF', () => {
    expect(csv(cols('a'), [['x']], { profile: 'spreadsheet', lineEnding: 'lf' })).toBe(
      '\uFEFFa\r\nx\r\n',
    );
  });

  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['=a,b', `"'=a,b"`],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['-5', "'-5"],
    ['a=b', 'a=b'],
    [" '=x", " '=x"],
    ['', '""'],
  ])('neutralises the text %j as %j', (value, expected) => {
    expect(sheet(cols('t', 'u'), [[value, 'x']])).toBe(`${expected},x\r\n`);
  });

  it('leaves numbers, bigints, dates and booleans alone', () => {
    expect(
      sheet(cols('n', 'b', 'd', 'f', 'i'), [
        [-5, -5n, new Date(Date.UTC(-1, 0, 1)), false, Number.NEGATIVE_INFINITY],
      ]),
    ).toBe('-5,-5,-000001-01-01T00:00:00.000Z,false,-Infinity\r\n');
  });

  it('leaves plain numbers in numeric columns and decimal objects alone, but not formulas', () => {
    const columns: Column[] = [
      { name: 'amount', type: 'decimal' },
      { name: 'id', type: 'bigint' },
      { name: 'n', type: 'number' },
      { name: 'd' },
    ];
    const decimal = { toJSON: () => '-0.50' };
    expect(sheet(columns, [['-12.50', '+7', '-1e5', decimal]])).toBe('-12.50,+7,-1e5,-0.50\r\n');
    expect(sheet(columns, [['-1+2', '=1', '-', { toJSON: () => '=cmd' }]])).toBe(
      "'-1+2,'=1,'-,'=cmd\r\n",
    );
  });

  it('neutralises header names as well', () => {
    expect(csv(cols('=x', 'ok'), [], { profile: 'spreadsheet' })).toBe("\uFEFF'=x,ok\r\n");
  });
});

describe('long rows (the buffer grows mid-row)', () => {
  it('writes fields far longer than its buffer, quoted and UTF-8 encoded', () => {
    const long = `${'é,"'.repeat(3000)}😀`;
    const quoted = `"${long.replaceAll('"', '""')}"`;
    expect(csv(cols('a', 'b', 'c'), [[long, 7, long]], { header: false })).toBe(
      `${quoted},7,${quoted}\r\n`,
    );
  });
});
