import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { type ErrorCode, isExportkitError, type ObjectStore } from '@exportkit/core';
import { contentDisposition } from './content-disposition.js';
import { errnoCode, storeName } from './fs-errors.js';
import { assertSigningSecret, type SigningSecret } from './signing.js';
import { verifySignedUrl } from './verify-signed-url.js';

/** Options for {@link createDownloadHandler}. */
export interface DownloadHandlerOptions {
  /** The secret the store signs with (`signing.secret`). */
  secret: SigningSecret;
  /**
   * The URL path the handler answers under: the path of `signing.baseUrl` (e.g.
   * `'/downloads'`). Under Express the full path (`req.originalUrl`) is read, so use the same
   * value however the handler is mounted. @defaultValue `''`
   */
  basePath?: string;
  /** Called with unexpected failures (answered 500), for your logger. @defaultValue `undefined` */
  onError?: (error: unknown) => void;
}

/** A plain Node request handler; Express accepts it as middleware too. */
export type DownloadHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** HTTP status per error code the handler can meet; anything else is a 500. */
const statusByCode: Partial<Record<ErrorCode, number>> = {
  INVALID_SIGNATURE: 403,
  URL_EXPIRED: 410,
  OBJECT_NOT_FOUND: 404,
  INVALID_KEY: 404,
};

/**
 * Serves the URLs `LocalDiskObjectStore.signedUrl` makes: verifies the signature and expiry,
 * then streams the object as an attachment with Content-Type, Content-Length and
 * Content-Disposition. Answers 403 for an altered or malformed URL, 410 for an expired one,
 * 404 for a missing object and 405 for methods other than GET and HEAD, each with a JSON body
 * `{ error: { code, message } }`.
 */
export function createDownloadHandler(
  store: Pick<ObjectStore, 'head' | 'get'>,
  options: DownloadHandlerOptions,
): DownloadHandler {
  assertSigningSecret(options?.secret, 'createDownloadHandler');
  const { secret, basePath = '', onError } = options;
  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        // Mid-body: all we can do is cut the connection so the client sees an incomplete file.
        res.destroy();
        if (errnoCode(error) !== 'ERR_STREAM_PREMATURE_CLOSE') onError?.(error);
        return;
      }
      const status = (isExportkitError(error) && statusByCode[error.code]) || 500;
      if (status === 500) onError?.(error);
      const code = isExportkitError(error) ? error.code : 'STORAGE_ERROR';
      // A 500's message may name server paths; the client gets a generic one.
      const message =
        status === 500 || !isExportkitError(error)
          ? `[exportkit] [${storeName}] The download failed on the server. Try again later.`
          : error.message;
      sendError(res, status, code, message);
    });
  };

  async function serve(
    req: IncomingMessage & { originalUrl?: string },
    res: ServerResponse,
  ): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(
        res,
        405,
        'INVALID_REQUEST',
        `[exportkit] [${storeName}] Downloads accept only GET and HEAD.`,
      );
      return;
    }
    const verified = verifySignedUrl(req.originalUrl ?? req.url ?? '', secret, { basePath });
    const info = await store.head(verified.key);
    if (!info) {
      sendError(
        res,
        404,
        'OBJECT_NOT_FOUND',
        `[exportkit] [${storeName}] The file of this download no longer exists.`,
      );
      return;
    }
    const body = req.method === 'GET' ? await store.get(verified.key) : undefined;
    res.writeHead(200, {
      'Content-Type': info.contentType ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Content-Disposition': contentDisposition(verified.downloadName ?? lastSegment(verified.key)),
      'Last-Modified': info.lastModified.toUTCString(),
      // The URL is a bearer credential for one user's file: keep it out of shared caches.
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (body) await pipeline(body, res);
    else res.end();
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const json = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
  });
  res.end(json);
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
