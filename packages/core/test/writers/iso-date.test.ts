import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoString, writeIsoDate } from '../../src/writers/iso-date.js';

const maxTime = 8.64e15;

/** What writeIsoDate writes for `ms`, as text. */
function written(ms: number): string {
  const buf = new Uint8Array(40);
  const end = writeIsoDate(buf, 3, ms);
  return Buffer.from(buf.subarray(3, end)).toString('latin1');
}

describe('isoString and writeIsoDate (the fast toISOString, as text and as bytes)', () => {
  it('matches toISOString across the whole Date range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -maxTime, max: maxTime }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
        expect(written(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('matches toISOString for years 0000-9999 and at the edges of days, years and leap days', () => {
    const edges = [
      Date.UTC(1970, 0, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29, 12),
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      -62_167_219_200_000,
      -62_167_219_200_001,
      253_402_300_800_000,
    ];
    for (const ms of edges) {
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
      expect(written(ms)).toBe(new Date(ms).toISOString());
    }
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
        expect(written(ms)).toBe(new Date(ms).toISOString());
        // Same day again, then another, so the cached day prefix is exercised both ways.
        expect(isoString(ms - (ms % 1000))).toBe(new Date(ms - (ms % 1000)).toISOString());
      }),
      { numRuns: 5000 },
    );
  });
});
