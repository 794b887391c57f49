import { describe, expect, it } from 'vitest';
import { patternBytes } from './body-fixtures.js';
import { expectSameBytes } from './collect.js';
import { expectExportkitError } from './expect-error.js';
import { useFixture } from './fixture-lifecycle.js';
import type { ObjectStoreFixture } from './fixtures.js';
import type { ResolvedObjectStoreSuiteOptions } from './object-store.js';
import { sleep } from './timing.js';

/** signedUrl: the URL downloads the bytes, expires, and its lifetime is bounded. */
export function objectStoreSignedUrlTests(
  factory: () => Promise<ObjectStoreFixture>,
  options: ResolvedObjectStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('signed URLs', () => {
    const fixture = useFixture(factory);
    const fetchUrl = (
      url: string,
    ): Promise<{ status: number; body: Uint8Array; headers: Headers }> =>
      fixture().fetchUrl?.(url) ?? fetchWithGlobal(url);

    it('a signed URL downloads the same bytes', { timeout }, async () => {
      const { store } = fixture();
      const bytes = patternBytes(100_000, 21);
      await store.put('u/part-00001.csv', bytes, { contentType: 'text/csv' });
      const url = await store.signedUrl('u/part-00001.csv', { expiresInMs: 60_000 });
      expect(typeof url).toBe('string');
      const response = await fetchUrl(url);
      expect(response.status).toBe(200);
      expectSameBytes(response.body, bytes, 'downloaded bytes');
    });

    it('downloadName sets the Content-Disposition file name', { timeout }, async () => {
      const { store } = fixture();
      await store.put('u/obj', 'a,b\r\n');
      const url = await store.signedUrl('u/obj', {
        expiresInMs: 60_000,
        downloadName: 'orders-2024.csv',
      });
      const response = await fetchUrl(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition') ?? '').toContain('orders-2024.csv');
    });

    it('does not check that the key exists; fetching a missing object fails', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const url = await store.signedUrl('u/missing', { expiresInMs: 60_000 });
      expect((await fetchUrl(url)).status).toBeGreaterThanOrEqual(400);
    });

    it('a URL past its expiry is refused', { timeout }, async () => {
      const { store } = fixture();
      await store.put('u/expiring', 'secret');
      const url = await store.signedUrl('u/expiring', { expiresInMs: options.signedUrlExpiryMs });
      await sleep(options.signedUrlExpiryMs + 1500);
      const response = await fetchUrl(url);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(new TextDecoder().decode(response.body)).not.toBe('secret');
    });

    const max = options.capabilities.maxSignedUrlMs;
    if (max !== undefined) {
      it(`an expiresInMs above maxSignedUrlMs (${max}) throws INVALID_CONFIG`, {
        timeout,
      }, async () => {
        const { store } = fixture();
        await expectExportkitError(
          () => store.signedUrl('u/any', { expiresInMs: max + 1000 }),
          'INVALID_CONFIG',
        );
        expect(typeof (await store.signedUrl('u/any', { expiresInMs: max }))).toBe('string');
      });
    }
  });
}

async function fetchWithGlobal(
  url: string,
): Promise<{ status: number; body: Uint8Array; headers: Headers }> {
  const response = await fetch(url);
  return {
    status: response.status,
    body: new Uint8Array(await response.arrayBuffer()),
    headers: response.headers,
  };
}
