import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeNumber } from '../../src/writers/number-bytes.js';

function written(n: number): string {
  const buf = Buffer.alloc(40);
  return buf.toString('latin1', 3, writeNumber(buf, 3, n));
}

describe('writeNumber', () => {
  it('writes String(n) for any number', () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        expect(written(n)).toBe(String(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes String(n) for decimals with few places, which take the digit path', () => {
    const decimal = fc
      .tuple(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.integer({ min: 1, max: 8 }))
      .map(([digits, places]) => digits / 10 ** places);
    fc.assert(
      fc.property(decimal, (n) => {
        expect(written(n)).toBe(String(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes String(n) for safe integers of every length, either sign', () => {
    const integer = fc
      .tuple(
        fc.integer({ min: 1, max: 16 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
      )
      .map(([digits, fraction, negative]) => {
        const n = Math.min(Math.floor(10 ** (digits - 1) * (1 + 9 * fraction)), 2 ** 53 - 1);
        return negative ? -n : n;
      });
    fc.assert(
      fc.property(integer, (n) => {
        expect(written(n)).toBe(String(n));
      }),
      { numRuns: 5000 },
    );
    for (let digits = 1; digits <= 16; digits++) {
      for (const n of [10 ** (digits - 1), 10 ** digits - 1, 10 ** (digits - 1) + 7]) {
        expect(written(n)).toBe(String(n));
        expect(written(-n)).toBe(String(-n));
      }
    }
  });

  it('matches String(n) at the edges of its paths', () => {
    const edges = [
      0.1,
      -0.5,
      0.05,
      1e-6,
      1.5e-6,
      1e-7,
      5e-7,
      19.99,
      0.1 + 0.2,
      123456.789,
      -0.000001,
      2 ** 52 / 10 + 0.5,
      2 ** 52 - 0.5,
      450359962737049.6,
      1e21,
      1.5e300,
      Number.MIN_VALUE,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2 ** 53 - 1,
      -(2 ** 53),
    ];
    for (const n of edges) expect(written(n)).toBe(String(n));
  });
});
