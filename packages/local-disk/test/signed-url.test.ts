import { LocalDiskObjectStore, verifySignedUrl } from '@exportkit/local-disk';
import { expectExportkitError } from '@exportkit/testkit';
import { describe, expect, it } from 'vitest';

const secret = 'a-test-secret-that-is-32-bytes-long!';
const now = new Date('2026-01-02T03:04:05.250Z');
const store = new LocalDiskObjectStore({
  root: '/tmp/exportkit-local-disk-unused',
  signing: { secret, baseUrl: 'https://api.example.com/downloads/' },
  clock: () => now,
});

describe('signedUrl', () => {
  it('builds {baseUrl}/{encoded key}?expires&name&signature', async () => {
    const url = new URL(
      await store.signedUrl('t/a+b=c&d?e#f%20g ü.csv', {
        expiresInMs: 60_000,
        downloadName: 'Rapport été.csv',
      }),
    );
    expect(url.origin + url.pathname).toBe(
      'https://api.example.com/downloads/t/a%2Bb%3Dc%26d%3Fe%23f%2520g%20%C3%BC.csv',
    );
    expect([...url.searchParams.keys()]).toEqual(['expires', 'name', 'signature']);
    // Rounded up to the whole second: never shorter than asked.
    expect(url.searchParams.get('expires')).toBe(
      String(Math.ceil((now.getTime() + 60_000) / 1000)),
    );
    expect(url.searchParams.get('name')).toBe('Rapport été.csv');
    expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves out the name when no downloadName is given', async () => {
    const url = new URL(await store.signedUrl('k', { expiresInMs: 1000 }));
    expect(url.searchParams.has('name')).toBe(false);
  });

  it('refuses a lifetime that is not a positive number', async () => {
    for (const expiresInMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectExportkitError(() => store.signedUrl('k', { expiresInMs }), 'INVALID_CONFIG');
    }
  });

  it('without `signing`, declares no signed URLs and says how to enable them', async () => {
    const plain = new LocalDiskObjectStore({ root: '/tmp/exportkit-local-disk-unused' });
    expect(plain.capabilities).toEqual({ signedUrls: false });
    expect(store.capabilities).toEqual({ signedUrls: true });
    const error = await expectExportkitError(
      () => plain.signedUrl('k', { expiresInMs: 1000 }),
      'INVALID_CONFIG',
    );
    expect(error.message).toMatch(/^\[exportkit\] \[local-disk\] .*`signing`/);
  });

  it('refuses a secret shorter than 32 bytes and a baseUrl that is not http(s)', () => {
    const root = '/tmp/exportkit-local-disk-unused';
    const make = (signing: { secret: string | Uint8Array; baseUrl: string }) => () =>
      new LocalDiskObjectStore({ root, signing });
    expect(make({ secret: 'short', baseUrl: 'http://x' })).toThrow(/at least 32 bytes/);
    expect(make({ secret: new Uint8Array(31), baseUrl: 'http://x' })).toThrow(/at least 32 bytes/);
    expect(make({ secret: new Uint8Array(32), baseUrl: 'http://x' })).not.toThrow();
    expect(make({ secret, baseUrl: '/downloads' })).toThrow(/baseUrl/);
    expect(make({ secret, baseUrl: 'ftp://host/x' })).toThrow(/baseUrl/);
    expect(make({ secret, baseUrl: 'https://host/x?a=1' })).toThrow(/baseUrl/);
  });
});

describe('verifySignedUrl', () => {
  const sign = (key: string, downloadName?: string): Promise<string> =>
    store.signedUrl(key, { expiresInMs: 60_000, ...(downloadName ? { downloadName } : {}) });
  const verify = (url: string, at = now) =>
    verifySignedUrl(url, secret, { now: at, basePath: '/downloads' });
  const tamper = (url: string, edit: (url: URL) => void): string => {
    const parsed = new URL(url);
    edit(parsed);
    return parsed.href;
  };

  it('accepts a fresh URL: full URL, bare path, URL object, or parsed parts', async () => {
    const url = await sign('a/ünï code.csv', 'name.csv');
    const expected = {
      key: 'a/ünï code.csv',
      downloadName: 'name.csv',
      expiresAt: new Date(1767323106000),
    };
    expect(verify(url)).toEqual(expected);
    const parsed = new URL(url);
    expect(verify(parsed.pathname + parsed.search)).toEqual(expected);
    expect(verifySignedUrl(parsed, secret, { now, basePath: '/downloads' })).toEqual(expected);
    const parts = {
      key: 'a/ünï code.csv',
      expires: Number(parsed.searchParams.get('expires')),
      name: 'name.csv',
      signature: parsed.searchParams.get('signature') ?? '',
    };
    expect(verifySignedUrl(parts, secret, { now })).toEqual(expected);
  });

  it('is valid until the expiry second, then URL_EXPIRED', async () => {
    const url = await sign('k');
    const expiresAt = verify(url).expiresAt.getTime();
    expect(verify(url, new Date(expiresAt - 1)).key).toBe('k');
    const error = await expectExportkitError(
      async () => verify(url, new Date(expiresAt)),
      'URL_EXPIRED',
    );
    expect(error.message).toMatch(/expired at .*Request a fresh URL/);
  });

  it('refuses any altered part with INVALID_SIGNATURE', async () => {
    const url = await sign('exports/t1/part-1.csv', 'orders.csv');
    const altered = [
      tamper(url, (u) => {
        u.pathname = '/downloads/exports/t2/part-1.csv';
      }),
      tamper(url, (u) =>
        u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)),
      ),
      tamper(url, (u) => u.searchParams.set('name', 'other.csv')),
      tamper(url, (u) => u.searchParams.delete('name')),
      tamper(url, (u) => {
        const signature = u.searchParams.get('signature') ?? '';
        u.searchParams.set(
          'signature',
          `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
        );
      }),
    ];
    for (const candidate of altered)
      await expectExportkitError(async () => verify(candidate), 'INVALID_SIGNATURE');
    await expectExportkitError(
      async () => verifySignedUrl(url, `${secret}-other`, { now, basePath: '/downloads' }),
      'INVALID_SIGNATURE',
    );
  });

  it('refuses a tampered but expired URL as INVALID_SIGNATURE, not URL_EXPIRED', async () => {
    const url = tamper(await sign('k'), (u) => u.searchParams.set('name', 'x'));
    await expectExportkitError(
      async () => verify(url, new Date(now.getTime() + 3_600_000)),
      'INVALID_SIGNATURE',
    );
  });

  it('refuses malformed URLs with INVALID_SIGNATURE', async () => {
    const url = await sign('k', 'n');
    const malformed = [
      tamper(url, (u) => u.searchParams.delete('signature')),
      tamper(url, (u) =>
        u.searchParams.set('signature', (u.searchParams.get('signature') ?? '').toUpperCase()),
      ),
      tamper(url, (u) => u.searchParams.set('signature', 'abc')),
      tamper(url, (u) => u.searchParams.append('signature', u.searchParams.get('signature') ?? '')),
      tamper(url, (u) => u.searchParams.set('expires', 'soon')),
      tamper(url, (u) => u.searchParams.delete('expires')),
      tamper(url, (u) => u.searchParams.append('name', 'second')),
      tamper(url, (u) => {
        u.pathname = '/downloads/%E0%A4%A';
      }),
      tamper(url, (u) => {
        u.pathname = '/elsewhere/k';
      }),
      tamper(url, (u) => {
        u.pathname = '/downloads/a//b';
      }),
      'http://[not a url',
    ];
    for (const candidate of malformed) {
      const error = await expectExportkitError(async () => verify(candidate), 'INVALID_SIGNATURE');
      expect(error.message).toMatch(/^\[exportkit\] \[local-disk\] The download URL is malformed/);
    }
    const parts = { key: '../k', expires: 1, signature: '0'.repeat(64) };
    await expectExportkitError(async () => verifySignedUrl(parts, secret), 'INVALID_SIGNATURE');
  });

  it('signs key and name unambiguously: moving text between them breaks the signature', async () => {
    const url = await sign('a', 'b');
    const moved = tamper(url, (u) => {
      u.pathname = '/downloads/ab';
      u.searchParams.set('name', '');
    });
    await expectExportkitError(async () => verify(moved), 'INVALID_SIGNATURE');
  });

  it('needs the secret to be at least 32 bytes', async () => {
    await expectExportkitError(
      async () => verifySignedUrl(await sign('k'), 'short'),
      'INVALID_CONFIG',
    );
  });
});
