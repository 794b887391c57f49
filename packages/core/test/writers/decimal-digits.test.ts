import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitCount, writeDigits } from '../../src/writers/decimal-digits.js';

function written(n: number, width: number): string {
  const buf = Buffer.alloc(20, 0x78);
  return buf.toString('latin1', 2, writeDigits(buf, 2, n, width));
}

describe('decimal digits', () => {
  it('counts the digits on both sides of every power of ten', () => {
    for (let digits = 1; digits <= 9; digits++) {
      const power = 10 ** (digits - 1);
      expect(digitCount(power)).toBe(digits);
      expect(digitCount(10 * power - 1)).toBe(digits);
      if (digits > 1) expect(digitCount(power - 1)).toBe(digits - 1);
    }
    expect(digitCount(0)).toBe(1);
  });

  it('writes String(n) zero-padded to the width, odd and even lengths alike', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 1, max: 9 }),
        (n, width) => {
          expect(written(n, width)).toBe(String(n).padStart(width, '0'));
        },
      ),
      { numRuns: 5000 },
    );
    expect(written(0, 1)).toBe('0');
    expect(written(0, 9)).toBe('000000000');
    expect(written(7, 2)).toBe('07');
    expect(written(999_999_999, 1)).toBe('999999999');
  });
});
