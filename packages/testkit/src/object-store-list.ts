import { describe, expect, it } from 'vitest';
import { collect } from './collect.js';
import { expectExportkitError } from './expect-error.js';
import { useFixture } from './fixture-lifecycle.js';
import type { ObjectStoreFixture } from './fixtures.js';
import type { ResolvedObjectStoreSuiteOptions } from './object-store.js';

/** list(prefix): order, prefix scoping, hidden pagination, and batch delete of many keys. */
export function objectStoreListTests(
  factory: () => Promise<ObjectStoreFixture>,
  options: ResolvedObjectStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('list', () => {
    const fixture = useFixture(factory);
    const keysOf = async (prefix: string): Promise<string[]> =>
      (await collect(fixture().store.list(prefix))).map((info) => info.key);

    it('lists only keys under the prefix, in ascending key order', { timeout }, async () => {
      const { store } = fixture();
      const keys = ['p/b', 'p/a', 'p/c/d', 'p/a0', 'pa/x', 'q/a'];
      for (const key of keys) await store.put(key, key);
      expect(await keysOf('p/')).toEqual(['p/a', 'p/a0', 'p/b', 'p/c/d']);
      expect(await keysOf('p/c/')).toEqual(['p/c/d']);
      // A prefix is a string prefix, not a folder: 'p' also matches 'pa/x'.
      expect(await keysOf('p')).toEqual(['p/a', 'p/a0', 'p/b', 'p/c/d', 'pa/x']);
      expect(await keysOf('nothing/')).toEqual([]);
    });

    it('orders keys by the bytes of their UTF-8 form', { timeout }, async () => {
      const { store } = fixture();
      const keys = ['o/é', 'o/a', 'o/Z', 'o/~', 'o/B', 'o/part-00010', 'o/part-00002', 'o/a b'];
      for (const key of keys) await store.put(key, 'x');
      const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(await keysOf('o/')).toEqual(expected);
    });

    it('reports each object size and lastModified', { timeout }, async () => {
      const { store } = fixture();
      await store.put('s/one', 'a');
      await store.put('s/three', 'abc');
      const infos = await collect(store.list('s/'));
      expect(infos.map((info) => [info.key, info.size])).toEqual([
        ['s/one', 1],
        ['s/three', 3],
      ]);
      for (const info of infos) expect(info.lastModified).toBeInstanceOf(Date);
    });

    it('an empty prefix lists every object', { timeout }, async () => {
      const { store } = fixture();
      for (const key of ['z', 'a/b', 'm/n/o']) await store.put(key, key);
      expect(await keysOf('')).toEqual(['a/b', 'm/n/o', 'z']);
    });

    it(`hides pagination over ${options.manyKeys} keys, and deletes them in one call`, {
      timeout,
    }, async () => {
      const { store } = fixture();
      const keys = Array.from(
        { length: options.manyKeys },
        (_, i) => `many/${String(i).padStart(5, '0')}`,
      );
      await putInParallel(keys, (key) => store.put(key, key.slice(-5)), 32);
      await store.put('other/key', 'x');
      expect(await keysOf('many/')).toEqual(keys);
      await store.delete(keys);
      expect(await keysOf('many/')).toEqual([]);
      expect(await keysOf('')).toEqual(['other/key']);
    });

    it('rejects an invalid prefix with INVALID_KEY (a trailing "/" is fine)', {
      timeout,
    }, async () => {
      const { store } = fixture();
      for (const prefix of ['/abs', 'a/../b', 'a\\b', 'a\0b', 'a//b']) {
        await expectExportkitError(() => collect(store.list(prefix)), 'INVALID_KEY');
      }
      expect(await keysOf('fine/')).toEqual([]);
    });
  });
}

async function putInParallel(
  keys: readonly string[],
  put: (key: string) => Promise<unknown>,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await put(key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
