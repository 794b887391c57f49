import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryObjectStore, memoryObjectStoreHandler } from '@exportkit/memory';
import {
  collect,
  expectExportkitError,
  objectStoreConformance,
  readText,
} from '@exportkit/testkit';
import { afterAll, describe, expect, it } from 'vitest';

objectStoreConformance('MemoryObjectStore', async () => ({ store: new MemoryObjectStore() }));

// The same store served over HTTP, so the signed-URL group runs against real fetches.
let served: MemoryObjectStore | undefined;
const server = createServer((request, response) => {
  if (!served) return void response.writeHead(503).end();
  memoryObjectStoreHandler(served)(request, response);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

objectStoreConformance(
  'MemoryObjectStore over HTTP',
  async () => {
    served = new MemoryObjectStore({ baseUrl, maxSignedUrlMs: 3_600_000 });
    return {
      store: served,
      cleanup: async () => {
        served = undefined;
      },
    };
  },
  { signedUrlExpiryMs: 300, manyKeys: 200, largeBodyBytes: 1024 * 1024 },
);

describe('MemoryObjectStore specifics', () => {
  it('declares signedUrls only with a baseUrl', () => {
    expect(new MemoryObjectStore().capabilities).toEqual({
      signedUrls: false,
      maxSignedUrlMs: 604_800_000,
    });
    expect(new MemoryObjectStore({ baseUrl: 'http://x:80/f/' }).baseUrl).toBe('http://x/f');
  });

  it('memory:// URLs open through download(), with expiry and signature checks', async () => {
    let now = 1_000_000;
    const store = new MemoryObjectStore({ clock: () => now });
    await store.put('a/b.csv', 'x,y', { contentType: 'text/csv', contentEncoding: 'identity' });
    const url = await store.signedUrl('a/b.csv', {
      expiresInMs: 1000,
      downloadName: 'Bericht ü.csv',
    });
    expect(url.startsWith('memory://objects/a/b.csv?')).toBe(true);
    const ok = await store.download(url);
    expect(ok.status).toBe(200);
    expect(new TextDecoder().decode(ok.body)).toBe('x,y');
    expect(ok.headers.get('content-type')).toBe('text/csv');
    expect(ok.headers.get('content-encoding')).toBe('identity');
    expect(ok.headers.get('content-disposition')).toBe(
      `attachment; filename="Bericht _.csv"; filename*=UTF-8''Bericht%20%C3%BC.csv`,
    );
    expect((await store.download(url.replace('a/b.csv', 'a/c.csv'))).status).toBe(403);
    expect((await store.download(url.replace(/signature=[^&]+/, 'signature=AAAA'))).status).toBe(
      403,
    );
    expect((await store.download('https://elsewhere/a/b.csv')).status).toBe(400);
    now += 1001;
    expect((await store.download(url)).status).toBe(403);
  });

  it('a URL from one store does not open in another (per-store secret)', async () => {
    const a = new MemoryObjectStore();
    const b = new MemoryObjectStore();
    await a.put('k', 'v');
    await b.put('k', 'v');
    expect((await b.download(await a.signedUrl('k', { expiresInMs: 1000 }))).status).toBe(403);
    const shared = { signingSecret: 'secret' };
    const c = new MemoryObjectStore(shared);
    await c.put('k', 'v');
    expect(
      (await c.download(await new MemoryObjectStore(shared).signedUrl('k', { expiresInMs: 1000 })))
        .status,
    ).toBe(200);
  });

  it('rejects a non-positive expiresInMs', async () => {
    await expectExportkitError(
      () => new MemoryObjectStore().signedUrl('k', { expiresInMs: 0 }),
      'INVALID_CONFIG',
    );
  });

  it('memoryObjectStoreHandler needs a baseUrl', () => {
    expect(() => memoryObjectStoreHandler(new MemoryObjectStore())).toThrow(/baseUrl/);
  });

  it('keeps its own copy of put bodies and hands out copies', async () => {
    const store = new MemoryObjectStore();
    const body = new TextEncoder().encode('abc');
    await store.put('k', body);
    body[0] = 0x7a;
    const [chunk] = await collect(await store.get('k'));
    chunk![1] = 0x7a;
    expect(await readText(store, 'k')).toBe('abc');
  });

  it('stamps lastModified from the clock', async () => {
    const store = new MemoryObjectStore({ clock: () => Date.UTC(2024, 0, 2) });
    await store.put('k', 'v');
    expect((await store.head('k'))?.lastModified.toISOString()).toBe('2024-01-02T00:00:00.000Z');
  });

  it('aborting a get stops the stream', async () => {
    const store = new MemoryObjectStore();
    await store.put('big', new Uint8Array(200_000));
    const controller = new AbortController();
    const iterator = (await store.get('big', { signal: controller.signal }))[
      Symbol.asyncIterator
    ]();
    await iterator.next();
    controller.abort();
    await expectExportkitError(() => iterator.next(), 'CANCELLED');
  });
});
