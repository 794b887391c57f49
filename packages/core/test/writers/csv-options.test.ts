import { describe, expect, it } from 'vitest';
import { isExportkitError } from '../../src/errors.js';
import type { CsvOptions } from '../../src/request.js';
import { resolveCsvOptions } from '../../src/writers/index.js';

describe('resolveCsvOptions', () => {
  it('fills in the RFC 4180 defaults', () => {
    expect(resolveCsvOptions()).toEqual({
      delimiter: ',',
      lineEnding: 'crlf',
      bom: false,
      header: true,
      profile: 'rfc4180',
    });
    expect(resolveCsvOptions({})).toEqual(resolveCsvOptions());
  });

  it('keeps what was asked', () => {
    expect(
      resolveCsvOptions({ delimiter: '\t', lineEnding: 'lf', bom: true, header: false }),
    ).toEqual({ delimiter: '\t', lineEnding: 'lf', bom: true, header: false, profile: 'rfc4180' });
  });

  it('forces a BOM and CRLF in the spreadsheet profile', () => {
    expect(
      resolveCsvOptions({ profile: 'spreadsheet', bom: false, lineEnding: 'lf', delimiter: ';' }),
    ).toEqual({
      delimiter: ';',
      lineEnding: 'crlf',
      bom: true,
      header: true,
      profile: 'spreadsheet',
    });
  });

  it.each([
    ['', 'exactly one character'],
    [';;', 'exactly one character'],
    ['😀', 'exactly one character'],
    ['\uD800', 'exactly one character'],
    ['"', 'cannot be a double quote'],
    ['\r', 'cannot be a double quote, CR or LF'],
    ['\n', 'cannot be a double quote, CR or LF'],
  ])('rejects the delimiter %j with INVALID_REQUEST', (delimiter, message) => {
    expectInvalid({ delimiter }, message);
  });

  it('rejects an unknown line ending, profile or a non-boolean flag', () => {
    expectInvalid({ lineEnding: 'cr' as 'lf' }, "csv.lineEnding must be 'crlf' or 'lf'");
    expectInvalid(
      { profile: 'excel' as 'rfc4180' },
      "csv.profile must be 'rfc4180' or 'spreadsheet'",
    );
    expectInvalid({ bom: 'yes' as unknown as boolean }, 'must be booleans');
  });
});

function expectInvalid(options: CsvOptions, message: string): void {
  let caught: unknown;
  try {
    resolveCsvOptions(options);
  } catch (error) {
    caught = error;
  }
  expect(isExportkitError(caught, 'INVALID_REQUEST')).toBe(true);
  expect((caught as Error).message).toMatch(/^\[exportkit\] \[csv\] /);
  expect((caught as Error).message).toContain(message);
}
