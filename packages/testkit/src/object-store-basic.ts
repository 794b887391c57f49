import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asyncChunks, chunkedBody, patternBytes } from './body-fixtures.js';
import { collect, concatBytes, expectSameBytes, readAll, readText } from './collect.js';
import { expectExportkitError } from './expect-error.js';
import { useFixture } from './fixture-lifecycle.js';
import type { ObjectStoreFixture } from './fixtures.js';
import type { ResolvedObjectStoreSuiteOptions } from './object-store.js';

/** put / get / head / delete round trips. */
export function objectStoreBasicTests(
  factory: () => Promise<ObjectStoreFixture>,
  options: ResolvedObjectStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('put, get, head, delete', () => {
    const fixture = useFixture(factory);

    it('round-trips a Uint8Array body and returns its size', { timeout }, async () => {
      const { store } = fixture();
      const bytes = patternBytes(1000, 7);
      expect(await store.put('a/bytes.bin', bytes)).toEqual({ size: 1000 });
      expectSameBytes(await readAll(store, 'a/bytes.bin'), bytes);
    });

    it('round-trips a string body as UTF-8 and reports its byte size', { timeout }, async () => {
      const { store } = fixture();
      const text = 'id,name\r\n1,ünïcødé ✓\r\n';
      const size = new TextEncoder().encode(text).byteLength;
      expect(await store.put('a/text.csv', text, { contentType: 'text/csv' })).toEqual({ size });
      expect(await readText(store, 'a/text.csv')).toBe(text);
      expect((await store.head('a/text.csv'))?.size).toBe(size);
    });

    it('round-trips an async-iterable body of several chunks', { timeout }, async () => {
      const { store } = fixture();
      const chunks = [patternBytes(10, 1), patternBytes(70_000, 2), patternBytes(1, 3)];
      expect(await store.put('a/stream.bin', asyncChunks(chunks))).toEqual({ size: 70_011 });
      expectSameBytes(await readAll(store, 'a/stream.bin'), concatBytes(chunks));
    });

    it(`streams a ${options.largeBodyBytes}-byte body in and out intact`, { timeout }, async () => {
      const { store } = fixture();
      const expected = createHash('sha256');
      for await (const chunk of chunkedBody(options.largeBodyBytes, 256 * 1024, 11))
        expected.update(chunk);
      const result = await store.put(
        'a/large.bin',
        chunkedBody(options.largeBodyBytes, 256 * 1024, 11),
      );
      expect(result.size).toBe(options.largeBodyBytes);
      expect((await store.head('a/large.bin'))?.size).toBe(options.largeBodyBytes);
      const actual = createHash('sha256');
      let size = 0;
      for await (const chunk of await store.get('a/large.bin')) {
        actual.update(chunk);
        size += chunk.byteLength;
      }
      expect(size).toBe(options.largeBodyBytes);
      expect(actual.digest('hex')).toBe(expected.digest('hex'));
    });

    it('stores empty bodies (bytes, string and stream) with size 0', { timeout }, async () => {
      const { store } = fixture();
      const empty = async function* (): AsyncGenerator<Uint8Array> {};
      expect(await store.put('e/bytes', new Uint8Array(0))).toEqual({ size: 0 });
      expect(await store.put('e/string', '')).toEqual({ size: 0 });
      expect(await store.put('e/stream', empty())).toEqual({ size: 0 });
      for (const key of ['e/bytes', 'e/string', 'e/stream']) {
        expect((await store.head(key))?.size, key).toBe(0);
        expect((await readAll(store, key)).byteLength, key).toBe(0);
      }
    });

    it('put replaces an existing object', { timeout }, async () => {
      const { store } = fixture();
      await store.put('a/replace', 'first version, longer');
      expect(await store.put('a/replace', 'second')).toEqual({ size: 6 });
      expect(await readText(store, 'a/replace')).toBe('second');
      expect((await store.head('a/replace'))?.size).toBe(6);
    });

    it('head reports key, size and lastModified', { timeout }, async () => {
      const { store } = fixture();
      const before = Date.now();
      await store.put('a/head.csv', 'abc', { contentType: 'text/csv' });
      const info = await store.head('a/head.csv');
      expect(info?.key).toBe('a/head.csv');
      expect(info?.size).toBe(3);
      expect(info?.lastModified).toBeInstanceOf(Date);
      // Servers stamp whole seconds and may drift a little from this machine's clock.
      expect(Math.abs((info?.lastModified.getTime() ?? 0) - before)).toBeLessThan(5 * 60_000);
      // contentType is optional in ObjectInfo; when a store reports it, it must be what was put.
      if (info?.contentType !== undefined) expect(info.contentType).toBe('text/csv');
    });

    it('head of a missing key resolves undefined', { timeout }, async () => {
      expect(await fixture().store.head('missing/key')).toBeUndefined();
    });

    it('get of a missing key throws OBJECT_NOT_FOUND', { timeout }, async () => {
      const { store } = fixture();
      await expectExportkitError(
        async () => collect(await store.get('missing/key')),
        'OBJECT_NOT_FOUND',
      );
    });

    it('delete removes an object and is idempotent', { timeout }, async () => {
      const { store } = fixture();
      await store.put('d/one', 'x');
      await store.delete(['d/one']);
      expect(await store.head('d/one')).toBeUndefined();
      await store.delete(['d/one']);
      await store.delete(['d/never-existed']);
      await store.delete([]);
      await expectExportkitError(async () => collect(await store.get('d/one')), 'OBJECT_NOT_FOUND');
    });

    it('delete takes a batch mixing present and missing keys', { timeout }, async () => {
      const { store } = fixture();
      await Promise.all(['d/1', 'd/2', 'd/3', 'keep'].map((key) => store.put(key, key)));
      await store.delete(['d/1', 'd/missing', 'd/3', 'd/2']);
      expect((await collect(store.list(''))).map((info) => info.key)).toEqual(['keep']);
    });
  });
}
