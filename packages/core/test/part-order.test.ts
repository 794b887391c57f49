import { describe, expect, it } from 'vitest';
import { partNumber, sortPartKeys } from '../src/index.js';

describe('part ordering', () => {
  it('orders numbered parts numerically (2 before 10)', () => {
    const keys = [
      'r/part-00010.csv',
      'r/part-00002.csv',
      'r/part-00001.csv',
      'r/part-00100.csv.gz',
    ];
    expect(sortPartKeys(keys)).toEqual([
      'r/part-00001.csv',
      'r/part-00002.csv',
      'r/part-00010.csv',
      'r/part-00100.csv.gz',
    ]);
  });

  it('orders the name.csv, name.csv_part2, name.csv_part10 convention', () => {
    const keys = ['x/urls.csv_part10', 'x/urls.csv_part2', 'x/urls.csv', 'x/urls.csv_part3'];
    expect(sortPartKeys(keys)).toEqual([
      'x/urls.csv',
      'x/urls.csv_part2',
      'x/urls.csv_part3',
      'x/urls.csv_part10',
    ]);
  });

  it('reads part numbers', () => {
    expect(partNumber('a/b/part-00042.ndjson')).toBe(42);
    expect(partNumber('urls.csv_part7')).toBe(7);
    expect(partNumber('a/manifest.json')).toBeUndefined();
  });
});
