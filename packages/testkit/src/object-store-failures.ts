import { describe, expect, it } from 'vitest';
import { patternBytes } from './body-fixtures.js';
import { collect, readText } from './collect.js';
import { hasInCauseChain } from './expect-error.js';
import { useFixture } from './fixture-lifecycle.js';
import type { ObjectStoreFixture } from './fixtures.js';
import type { ResolvedObjectStoreSuiteOptions } from './object-store.js';

/** Failed and aborted puts: the error surfaces and no partial object is ever visible. */
export function objectStoreFailureTests(
  factory: () => Promise<ObjectStoreFixture>,
  options: ResolvedObjectStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('failed and aborted puts', () => {
    const fixture = useFixture(factory);

    it('a body stream that throws midway rejects the put with that error and leaves no object', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const failure = new Error('body stream broke');
      const body = (async function* (): AsyncGenerator<Uint8Array> {
        yield patternBytes(64 * 1024, 1);
        yield patternBytes(64 * 1024, 2);
        throw failure;
      })();
      const error = await store.put('f/broken.bin', body).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'put resolved although its body threw').toBeDefined();
      expect(
        hasInCauseChain(error, failure),
        'the body error is neither the rejection nor its cause',
      ).toBe(true);
      expect(await store.head('f/broken.bin')).toBeUndefined();
      expect(await collect(store.list(''))).toEqual([]);
    });

    it('a failed put over an existing object leaves the previous object', { timeout }, async () => {
      const { store } = fixture();
      await store.put('f/existing', 'previous');
      const body = (async function* (): AsyncGenerator<Uint8Array> {
        yield patternBytes(1024, 3);
        throw new Error('broke');
      })();
      await expect(store.put('f/existing', body)).rejects.toBeDefined();
      expect(await readText(store, 'f/existing')).toBe('previous');
    });

    it('a put with an already-aborted signal rejects and leaves no object', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(
        store.put('f/aborted', 'bytes', { signal: controller.signal }),
      ).rejects.toBeDefined();
      expect(await store.head('f/aborted')).toBeUndefined();
    });

    it('aborting during a streamed put rejects it and leaves no object', { timeout }, async () => {
      const { store } = fixture();
      const controller = new AbortController();
      const body = (async function* (): AsyncGenerator<Uint8Array> {
        yield patternBytes(64 * 1024, 4);
        controller.abort(new Error('stop'));
        // A source that ignores the abort keeps producing; the store must stop reading anyway.
        for (let i = 0; i < 16; i++) yield patternBytes(64 * 1024, 5 + i);
      })();
      await expect(
        store.put('f/aborted-midway', body, { signal: controller.signal }),
      ).rejects.toBeDefined();
      expect(await store.head('f/aborted-midway')).toBeUndefined();
      expect(await collect(store.list(''))).toEqual([]);
    });
  });
}
