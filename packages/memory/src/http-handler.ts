import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExportkitError } from '@exportkit/core';
import type { MemoryObjectStore } from './memory-object-store.js';

/**
 * A `node:http` request listener that serves a {@link MemoryObjectStore}'s signed URLs (GET and
 * HEAD). Listen where the store's `baseUrl` points; other methods get 405, unknown paths 400.
 * Throws `INVALID_CONFIG` when the store has no `baseUrl`.
 *
 * @example
 * const store = new MemoryObjectStore({ baseUrl: 'http://127.0.0.1:8080/files' });
 * http.createServer(memoryObjectStoreHandler(store)).listen(8080, '127.0.0.1');
 */
export function memoryObjectStoreHandler(
  store: MemoryObjectStore,
): (request: IncomingMessage, response: ServerResponse) => void {
  if (store.baseUrl === undefined) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      '[exportkit] [memory] memoryObjectStoreHandler needs a store constructed with a baseUrl.',
    );
  }
  // Requests carry only the path; the signature covers the full URL under baseUrl.
  const origin = new URL(store.baseUrl).origin;
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    void store.download(`${origin}${request.url ?? '/'}`).then((download) => {
      response.writeHead(download.status, Object.fromEntries(download.headers));
      response.end(request.method === 'HEAD' ? undefined : download.body);
    });
  };
}
