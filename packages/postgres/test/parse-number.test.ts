import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber } from '../src/parse-number.js';

/** Texts shaped like PostgreSQL's int and float output, and some that are not. */
const digits = fc.stringMatching(/^[0-9]{1,20}$/);
const numberText = fc.oneof(
  fc.double().map(String),
  fc.integer().map(String),
  fc
    .tuple(fc.boolean(), digits, fc.option(digits))
    .map(
      ([negative, whole, fraction]) =>
        `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
    ),
  fc.stringMatching(/^-?[0-9.]{0,6}$/),
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e+20',
    '1.5e-05',
    '-0',
    '0.0',
    '',
    '-',
    '.',
    '.5',
    '5.',
  ),
);

describe('parseNumber', () => {
  it('gives what Number(text) gives, for any such text', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        expect(Object.is(parseNumber(text), Number(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads plain decimals at the limit of exactness', () => {
    for (const text of [
      '999999999999999',
      '9999999999999999',
      '0.123456789012345',
      '-2147483648',
      '124.875',
    ]) {
      expect(Object.is(parseNumber(text), Number(text))).toBe(true);
    }
  });
});
