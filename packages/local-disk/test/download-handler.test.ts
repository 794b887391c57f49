import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ObjectStore } from '@exportkit/core';
import { createDownloadHandler, LocalDiskObjectStore } from '@exportkit/local-disk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/download-server.js';
import { makeTempRoot, type TempRoot } from './support/temp-root.js';

const secret = 'handler-secret-with-enough-bytes-0123456789';

describe('createDownloadHandler over HTTP', () => {
  let root: TempRoot;
  let server: TestServer;
  let store: LocalDiskObjectStore;
  let errors: unknown[];
  beforeEach(async () => {
    root = await makeTempRoot();
    server = await startServer();
    store = new LocalDiskObjectStore({
      root: root.dir,
      signing: { secret, baseUrl: `${server.origin}/downloads` },
    });
    errors = [];
    server.use(
      createDownloadHandler(store, {
        secret,
        basePath: '/downloads',
        onError: (e) => errors.push(e),
      }),
    );
  });
  afterEach(async () => {
    await server.close();
    await root.cleanup();
  });

  const errorBody = async (response: Response): Promise<{ code: string; message: string }> => {
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return ((await response.json()) as { error: { code: string; message: string } }).error;
  };

  it('streams the file with its type, length, name and caching headers', async () => {
    await store.put('exports/t/part-00001.csv', 'id,name\r\n1,a\r\n', {
      contentType: 'text/csv; charset=utf-8',
    });
    const url = await store.signedUrl('exports/t/part-00001.csv', {
      expiresInMs: 60_000,
      downloadName: 'orders.csv',
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-length': '14',
      'content-disposition': 'attachment; filename="orders.csv"',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    });
    expect(new Date(response.headers.get('last-modified') ?? '').getTime()).not.toBeNaN();
    expect(await response.text()).toBe('id,name\r\n1,a\r\n');
  });

  it('names a non-ASCII download with an ASCII filename and an RFC 5987 filename*', async () => {
    await store.put('k', 'x');
    const response = await fetch(
      await store.signedUrl('k', { expiresInMs: 60_000, downloadName: 'Rapport été "Q1".csv' }),
    );
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Rapport _t_ _Q1_.csv"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9%20%22Q1%22.csv`,
    );
  });

  it('defaults the file name to the last key segment and the type to octet-stream', async () => {
    await store.put('a/b/part-00002.ndjson', '{}\n');
    const response = await fetch(
      await store.signedUrl('a/b/part-00002.ndjson', { expiresInMs: 60_000 }),
    );
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="part-00002.ndjson"',
    );
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    await response.arrayBuffer();
  });

  it('answers HEAD with the headers and no body', async () => {
    await store.put('k', 'twelve bytes');
    const response = await fetch(await store.signedUrl('k', { expiresInMs: 60_000 }), {
      method: 'HEAD',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('12');
    expect(await response.text()).toBe('');
  });

  it('answers 405 with Allow for other methods', async () => {
    await store.put('k', 'x');
    const response = await fetch(await store.signedUrl('k', { expiresInMs: 60_000 }), {
      method: 'POST',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect((await errorBody(response)).code).toBe('INVALID_REQUEST');
  });

  it('answers 403 INVALID_SIGNATURE for a tampered or malformed URL', async () => {
    await store.put('mine', 'x');
    await store.put('theirs', 'secret');
    const url = new URL(await store.signedUrl('mine', { expiresInMs: 60_000 }));
    url.pathname = '/downloads/theirs';
    const tampered = await fetch(url);
    expect(tampered.status).toBe(403);
    expect(await errorBody(tampered)).toMatchObject({ code: 'INVALID_SIGNATURE' });
    const bare = await fetch(`${server.origin}/downloads/theirs`);
    expect(bare.status).toBe(403);
    expect((await errorBody(bare)).message).toMatch(/malformed/);
  });

  it('answers 410 URL_EXPIRED for an expired URL', async () => {
    await store.put('k', 'x');
    const past = new LocalDiskObjectStore({
      root: root.dir,
      signing: { secret, baseUrl: `${server.origin}/downloads` },
      clock: () => new Date(Date.now() - 3_600_000),
    });
    const response = await fetch(await past.signedUrl('k', { expiresInMs: 60_000 }));
    expect(response.status).toBe(410);
    expect(await errorBody(response)).toMatchObject({ code: 'URL_EXPIRED' });
  });

  it('answers 404 OBJECT_NOT_FOUND for a deleted object', async () => {
    const response = await fetch(await store.signedUrl('gone', { expiresInMs: 60_000 }));
    expect(response.status).toBe(404);
    expect(await errorBody(response)).toMatchObject({ code: 'OBJECT_NOT_FOUND' });
  });

  it('answers 500 with a generic message and reports the error when the store fails', async () => {
    const failure = new Error('disk on fire at /var/secret/path');
    const broken: Pick<ObjectStore, 'head' | 'get'> = {
      head: (key) => store.head(key),
      get: async () => Promise.reject(failure),
    };
    server.use(
      createDownloadHandler(broken, {
        secret,
        basePath: '/downloads',
        onError: (e) => errors.push(e),
      }),
    );
    await store.put('k', 'x');
    const response = await fetch(await store.signedUrl('k', { expiresInMs: 60_000 }));
    expect(response.status).toBe(500);
    const error = await errorBody(response);
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).not.toContain('/var/secret');
    expect(errors).toEqual([failure]);
  });

  it('reads the full path from req.originalUrl when mounted under a prefix (Express)', async () => {
    // What Express does for app.use('/downloads', handler): strip the mount path from req.url
    // and keep the original in req.originalUrl.
    const handler = createDownloadHandler(store, { secret, basePath: '/downloads' });
    const mounted = createServer((req, res) => {
      const original = req.url ?? '';
      Object.assign(req, { originalUrl: original, url: original.slice('/downloads'.length) });
      handler(req, res);
    });
    await new Promise<void>((resolve) => mounted.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = mounted.address() as AddressInfo;
      await store.put('a/b.csv', 'mounted');
      const url = new URL(await store.signedUrl('a/b.csv', { expiresInMs: 60_000 }));
      const response = await fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('mounted');
    } finally {
      mounted.closeAllConnections();
      await new Promise((resolve) => mounted.close(resolve));
    }
  });

  it('needs a secret of at least 32 bytes', () => {
    expect(() => createDownloadHandler(store, { secret: 'short' })).toThrow(/at least 32 bytes/);
  });
});
