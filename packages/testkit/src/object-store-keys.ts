import { describe, expect, it } from 'vitest';
import { collect, readText } from './collect.js';
import { expectExportkitError } from './expect-error.js';
import { useFixture } from './fixture-lifecycle.js';
import type { ObjectStoreFixture } from './fixtures.js';
import type { ResolvedObjectStoreSuiteOptions } from './object-store.js';

/** Keys every store must refuse, with why. */
export const invalidKeys: readonly (readonly [key: string, why: string])[] = [
  ['', 'empty'],
  ['/abs', 'leading slash'],
  ['a/../b', 'dot-dot segment'],
  ['..', 'bare dot-dot'],
  ['a/./b', 'dot segment'],
  ['a\\b', 'backslash'],
  ['a\0b', 'NUL'],
  ['a//b', 'empty segment'],
  ['a/', 'trailing slash'],
];

/** Key validation: every method refuses a bad key with INVALID_KEY before touching the backend. */
export function objectStoreKeyTests(
  factory: () => Promise<ObjectStoreFixture>,
  options: ResolvedObjectStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('keys', () => {
    const fixture = useFixture(factory);

    for (const [key, why] of invalidKeys) {
      it(`every method rejects a key with ${why} (${JSON.stringify(key)})`, {
        timeout,
      }, async () => {
        const { store } = fixture();
        let bodyRead = false;
        const body = (async function* (): AsyncGenerator<Uint8Array> {
          bodyRead = true;
          yield new Uint8Array([1]);
        })();
        await expectExportkitError(() => store.put(key, body), 'INVALID_KEY');
        await expectExportkitError(() => store.put(key, 'text'), 'INVALID_KEY');
        await expectExportkitError(async () => collect(await store.get(key)), 'INVALID_KEY');
        await expectExportkitError(() => store.head(key), 'INVALID_KEY');
        await expectExportkitError(() => store.delete(['fine', key]), 'INVALID_KEY');
        await expectExportkitError(
          () => store.signedUrl(key, { expiresInMs: 60_000 }),
          'INVALID_KEY',
        );
        expect(bodyRead, 'the body was read before the key was validated').toBe(false);
        expect(await collect(store.list(''))).toEqual([]);
      });
    }

    it('a batch delete holding one bad key deletes nothing', { timeout }, async () => {
      const { store } = fixture();
      await store.put('keep/me', 'x');
      await expectExportkitError(() => store.delete(['keep/me', 'a/../b']), 'INVALID_KEY');
      expect(await store.head('keep/me')).toBeDefined();
    });

    it('accepts keys with spaces, unicode and URL-special characters', { timeout }, async () => {
      const { store } = fixture();
      const keys = [
        't/file name.csv',
        't/ünïcødé ✓.csv',
        't/a+b=c&d?e#f%20g.csv',
        't/q\'uo"te;s,.csv',
      ];
      for (const key of keys) {
        await store.put(key, key);
        expect(await readText(store, key)).toBe(key);
        expect((await store.head(key))?.key).toBe(key);
      }
      const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect((await collect(store.list('t/'))).map((info) => info.key)).toEqual(sorted);
      await store.delete(keys);
      expect(await collect(store.list('t/'))).toEqual([]);
    });
  });
}
