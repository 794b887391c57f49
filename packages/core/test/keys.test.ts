import { describe, expect, it } from 'vitest';
import {
  assertTenantId,
  assertValidKey,
  assertValidPrefix,
  exportPrefix,
  isValidKey,
  runPrefix,
} from '../src/index.js';

describe('object keys', () => {
  it.each(['', '/abs', 'a/../b', '..', 'a/./b', 'a\\b', 'a\0b', 'a//b', 'a/', 'x'.repeat(1025)])(
    'rejects %j',
    (key) => {
      expect(() => assertValidKey(key)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
      expect(isValidKey(key)).toBe(false);
    },
  );

  it.each(['a', 'a/b.csv', 'exports/acme/abc/run-1/part-00001.csv.gz', 'ünï/✓'])(
    'accepts %j',
    (key) => {
      expect(() => assertValidKey(key)).not.toThrow();
      expect(isValidKey(key)).toBe(true);
    },
  );

  it('accepts an empty or slash-terminated prefix but no traversal', () => {
    expect(() => assertValidPrefix('')).not.toThrow();
    expect(() => assertValidPrefix('a/b/')).not.toThrow();
    expect(() => assertValidPrefix('a/../')).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY' }),
    );
  });

  it('lays out runs under tenant and export id', () => {
    expect(exportPrefix('exports', 'acme', 'f'.repeat(64))).toBe(`exports/acme/${'f'.repeat(64)}/`);
    expect(runPrefix('', 'acme', 'e', 'run-1')).toBe('acme/e/run-1/');
  });

  it.each(['', '../x', 'a/b', '_jobs', '-x', 'a..b', 'x'.repeat(129), 7])(
    'rejects tenant %j',
    (tenant) => {
      expect(() => assertTenantId(tenant)).toThrow(
        expect.objectContaining({ code: 'INVALID_TENANT' }),
      );
    },
  );
});
