import * as crypto from 'node:crypto';
import { LocalDiskObjectStore, verifySignedUrl } from '@exportkit/local-disk';
import { expectExportkitError } from '@exportkit/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

describe('verifySignedUrl comparison', () => {
  afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());
  const secret = 'x'.repeat(32);
  const store = new LocalDiskObjectStore({
    root: '/tmp/unused',
    signing: { secret, baseUrl: 'http://h' },
  });

  it('compares the signature with crypto.timingSafeEqual, on 32-byte digests', async () => {
    const url = new URL(await store.signedUrl('k', { expiresInMs: 60_000 }));
    verifySignedUrl(url, secret);
    url.searchParams.set('signature', 'f'.repeat(64));
    await expectExportkitError(async () => verifySignedUrl(url, secret), 'INVALID_SIGNATURE');
    const calls = vi.mocked(crypto.timingSafeEqual).mock.calls;
    expect(calls).toHaveLength(2);
    for (const [a, b] of calls) {
      expect((a as Buffer).byteLength).toBe(32);
      expect((b as Buffer).byteLength).toBe(32);
    }
  });

  it('rejects a malformed signature before comparing', async () => {
    const url = new URL(await store.signedUrl('k', { expiresInMs: 60_000 }));
    url.searchParams.set('signature', 'short');
    await expectExportkitError(async () => verifySignedUrl(url, secret), 'INVALID_SIGNATURE');
    expect(crypto.timingSafeEqual).not.toHaveBeenCalled();
  });
});
