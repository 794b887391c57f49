import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeShortestDouble } from '../../src/writers/shortest-double.js';

/** What it wrote for `x`, or undefined when it left `x` to V8. */
function written(x: number): string | undefined {
  const buf = Buffer.alloc(40);
  const end = writeShortestDouble(buf, 3, x);
  return end < 0 ? undefined : buf.toString('latin1', 3, end);
}

/** It writes exactly String(x) or leaves x alone; never other text. */
function expectStringOrLeft(x: number): void {
  const text = written(x);
  if (text !== undefined) expect(text).toBe(String(x));
}

const bits = new Float64Array(1);
const words = new BigUint64Array(bits.buffer);

/** The double `steps` representable values away from `x`. */
function neighbour(x: number, steps: number): number {
  bits[0] = x;
  words[0] = words[0]! + BigInt(steps);
  return bits[0]!;
}

/** The positive double with this biased exponent and 52-bit mantissa. */
function doubleOf(exponent: number, mantissa: bigint): number {
  words[0] = (BigInt(exponent) << 52n) | mantissa;
  return bits[0]!;
}

/** Whether `x` is what writeShortestDouble writes itself: a fraction from 1e-6 to 1e15. */
const inRange = (x: number) => x >= 1e-6 && x < 1e15 && !Number.isInteger(x);

/** A double in [2^-20, 2^50) from random bits, within its range. */
const anyDoubleInRange = fc
  .tuple(fc.integer({ min: 1003, max: 1072 }), fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }))
  .map(([exponent, mantissa]) => doubleOf(exponent, mantissa))
  .filter(inRange);

describe('writeShortestDouble', () => {
  it('writes String(x), or leaves x to V8, for any double of its range and its negation', () => {
    fc.assert(
      fc.property(anyDoubleInRange, (x) => {
        expectStringOrLeft(x);
        expectStringOrLeft(-x);
      }),
      { numRuns: 30_000 },
    );
  });

  it('does so for decimals of every length, and sums and quotients of them', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 1, max: 2 ** 53 - 1 }), fc.integer({ min: 1, max: 22 }))
      .map(([digits, places]) => digits / Number(`1e${places}`));
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        for (const x of [a, a + b, a / (b + 1), a * 3]) {
          if (inRange(x)) expectStringOrLeft(x);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('rounds ties as Number::toString does: dyadic values whose 16th or 17th digit is a 5 exactly', () => {
    const dyadic = fc
      .tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 14 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([shift, magnitude, at]) => {
        const denominator = 2 ** shift;
        const odd = 2 * Math.floor((at * 10 ** magnitude * denominator) / 2) + 1;
        return odd / denominator;
      })
      .filter(inRange);
    fc.assert(
      fc.property(dyadic, (x) => expectStringOrLeft(x)),
      { numRuns: 20_000 },
    );
    // Two 16-digit decimals read back as each of these (half an ulp is 0.0625, they are 0.05
    // away): the even one is written.
    for (const x of [562950490292223.75, 838066818097008.75, 605135220839685.75]) {
      expect(written(x)).toBe(String(x));
    }
  });

  it('does so next to powers of ten and of two, where the exponent estimate and the gaps change', () => {
    for (let exponent = -6; exponent <= 14; exponent++) {
      for (let steps = -3; steps <= 3; steps++) {
        const x = neighbour(Number(`1e${exponent}`), steps);
        if (inRange(x)) expectStringOrLeft(x);
      }
    }
    for (let exponent = -19; exponent <= 49; exponent++) {
      for (let steps = -3; steps <= 3; steps++) {
        const x = neighbour(2 ** exponent, steps);
        if (inRange(x)) expectStringOrLeft(x);
      }
    }
  });

  it('writes nearly every double of its range itself, including 15-, 16- and 17-digit ones', () => {
    // Uniform bits (fast-check favours edge values such as powers of two, which it leaves).
    let state = 0x9e3779b9;
    const random32 = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    let tried = 0;
    let left = 0;
    for (let i = 0; i < 100_000; i++) {
      const mantissa = (BigInt(random32() & 0xfffff) << 32n) | BigInt(random32());
      const x = doubleOf(1003 + (random32() % 70), mantissa);
      if (!inRange(x)) continue;
      tried++;
      const text = written(x);
      if (text === undefined) left++;
      else expect(text).toBe(String(x));
    }
    expect(left).toBeLessThan(tried / 10_000);
    expect(written(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(written(142 / 7)).toBe('20.285714285714285');
    expect(written(1.2345678901234567)).toBe('1.2345678901234567');
    expect(written(123.456789012345)).toBe('123.456789012345');
    expect(written(-0.000123456789)).toBe('-0.000123456789');
    expect(written(999999999999999.9)).toBe('999999999999999.9');
  });

  it('leaves to V8 powers of two, whose gap below is half the gap above, and what its range excludes', () => {
    for (const x of [0.5, 0.25, 0.125, 2 ** -20, 1e-7, 5e-7, 1e15 + 0.5, 1e21]) {
      expect(written(x)).toBeUndefined();
    }
  });
});
