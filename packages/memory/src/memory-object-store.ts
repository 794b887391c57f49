import { randomBytes } from 'node:crypto';
import {
  assertValidKey,
  assertValidPrefix,
  ExportkitError,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type ObjectStoreCapabilities,
  type PutOptions,
  type SignedUrlOptions,
} from '@exportkit/core';
import { signUrl, verifyUrl } from './signed-url.js';
import { compareUtf8 } from './utf8-order.js';

/** Options for {@link MemoryObjectStore}. */
export interface MemoryObjectStoreOptions {
  /**
   * Where {@link memoryObjectStoreHandler} serves this store over HTTP (for example
   * `'http://127.0.0.1:8080/files'`). With it, `signedUrl` returns fetchable `http(s)` URLs and
   * `capabilities.signedUrls` is true; without it, URLs use the `memory://objects` scheme and
   * only {@link MemoryObjectStore.download} can open them. @defaultValue `undefined`
   */
  baseUrl?: string;
  /** HMAC key for signed URLs. @defaultValue 32 random bytes per store */
  signingSecret?: string | Uint8Array;
  /** The longest `expiresInMs` `signedUrl` accepts. @defaultValue `7 * 24 * 3600 * 1000` (S3's limit) */
  maxSignedUrlMs?: number;
  /** Current time in ms since the epoch, for `lastModified` and URL expiry. @defaultValue `Date.now` */
  clock?: () => number;
}

/** The answer to a signed-URL download, shaped like an HTTP response. */
export interface MemoryDownload {
  /** 200, or 403 (bad signature, expired), 404 (no such object), 400 (not a URL of this store). */
  status: number;
  headers: Headers;
  body: Uint8Array;
}

interface StoredObject {
  bytes: Uint8Array;
  lastModified: number;
  contentType: string;
  contentEncoding?: string;
}

const memoryScheme = 'memory://objects';
const chunkSize = 64 * 1024;

/**
 * An ObjectStore in a `Map`, for tests and single-process use. Bodies are held in memory
 * whole (that is the point of it), copied in and out so callers cannot alter stored bytes.
 * Objects become visible only when a put completes; a failed or aborted put stores nothing.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly name = 'memory';
  readonly capabilities: ObjectStoreCapabilities;
  /** The `baseUrl` option, without a trailing slash; `undefined` when URLs use `memory://`. */
  readonly baseUrl: string | undefined;
  readonly #objects = new Map<string, StoredObject>();
  readonly #base: string;
  readonly #secret: Uint8Array;
  readonly #clock: () => number;

  constructor(options: MemoryObjectStoreOptions = {}) {
    const maxSignedUrlMs = options.maxSignedUrlMs ?? 7 * 24 * 3600 * 1000;
    this.capabilities = { signedUrls: options.baseUrl !== undefined, maxSignedUrlMs };
    // Normalised through URL so it matches what an HTTP request path rebuilds (no ':80', etc.).
    this.baseUrl =
      options.baseUrl === undefined ? undefined : new URL(options.baseUrl).href.replace(/\/+$/, '');
    this.#base = this.baseUrl ?? memoryScheme;
    const secret = options.signingSecret ?? randomBytes(32);
    this.#secret = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    this.#clock = options.clock ?? Date.now;
  }

  /** Stores the whole body once it has been read completely. */
  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ size: number }> {
    assertValidKey(key, this.name);
    throwIfAborted(options.signal, key);
    const bytes = await readBody(body, options.signal, key);
    throwIfAborted(options.signal, key);
    this.#objects.set(key, {
      bytes,
      lastModified: this.#clock(),
      contentType: options.contentType ?? 'application/octet-stream',
      ...(options.contentEncoding === undefined
        ? {}
        : { contentEncoding: options.contentEncoding }),
    });
    return { size: bytes.byteLength };
  }

  /** Yields a copy of the object in 64 KiB chunks. */
  async get(
    key: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<AsyncIterable<Uint8Array>> {
    assertValidKey(key, this.name);
    const object = this.#require(key);
    const { signal } = options;
    return (async function* () {
      for (let offset = 0; offset < object.bytes.byteLength; offset += chunkSize) {
        throwIfAborted(signal, key);
        yield object.bytes.slice(offset, offset + chunkSize);
      }
    })();
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key, this.name);
    const object = this.#objects.get(key);
    return object && infoOf(key, object);
  }

  /** Lists a snapshot of the keys taken when iteration starts, skipping keys deleted since. */
  list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix, this.name);
    const objects = this.#objects;
    return (async function* () {
      const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareUtf8);
      for (const key of keys) {
        const object = objects.get(key);
        if (object) yield infoOf(key, object);
      }
    })();
  }

  /** Validates every key first, so a batch with one bad key deletes nothing. */
  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) assertValidKey(key, this.name);
    for (const key of keys) this.#objects.delete(key);
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    assertValidKey(key, this.name);
    const max = this.capabilities.maxSignedUrlMs ?? Number.POSITIVE_INFINITY;
    if (!(options.expiresInMs > 0) || options.expiresInMs > max) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [memory] expiresInMs must be between 1 and ${max}; got ${options.expiresInMs}.`,
        { details: { expiresInMs: options.expiresInMs, maxSignedUrlMs: max } },
      );
    }
    return signUrl(this.#base, this.#secret, {
      key,
      expiresAt: this.#clock() + options.expiresInMs,
      ...(options.downloadName === undefined ? {} : { downloadName: options.downloadName }),
    });
  }

  /**
   * Opens a URL made by {@link signedUrl} as an HTTP server would: checks signature and
   * expiry, then answers with the object's bytes and headers. Never throws for a bad URL; the
   * status says what is wrong, as it would to a browser.
   */
  async download(url: string): Promise<MemoryDownload> {
    const check = verifyUrl(this.#base, this.#secret, url);
    if (!check.ok)
      return textResponse(
        check.reason === 'malformed' ? 400 : 403,
        `Invalid URL (${check.reason}).`,
      );
    const { key, expiresAt, downloadName } = check.grant;
    if (this.#clock() > expiresAt) return textResponse(403, 'This link has expired.');
    const object = this.#objects.get(key);
    if (!object) return textResponse(404, 'No such object.');
    const headers = new Headers({
      'content-type': object.contentType,
      'content-length': String(object.bytes.byteLength),
      'cache-control': 'private, no-store',
    });
    if (object.contentEncoding) headers.set('content-encoding', object.contentEncoding);
    if (downloadName !== undefined)
      headers.set('content-disposition', contentDisposition(downloadName));
    return { status: 200, headers, body: object.bytes.slice() };
  }

  #require(key: string): StoredObject {
    const object = this.#objects.get(key);
    if (!object) {
      throw new ExportkitError('OBJECT_NOT_FOUND', `[exportkit] [memory] No object at "${key}".`, {
        details: { key },
      });
    }
    return object;
  }
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function textResponse(status: number, text: string): MemoryDownload {
  return {
    status,
    headers: new Headers({ 'content-type': 'text/plain; charset=utf-8' }),
    body: new TextEncoder().encode(text),
  };
}

function infoOf(key: string, object: StoredObject): ObjectInfo {
  return {
    key,
    size: object.bytes.byteLength,
    lastModified: new Date(object.lastModified),
    contentType: object.contentType,
  };
}

async function readBody(
  body: ObjectBody,
  signal: AbortSignal | undefined,
  key: string,
): Promise<Uint8Array> {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body.slice();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    throwIfAborted(signal, key);
    // Producers may reuse their buffer for the next chunk, so keep a copy.
    chunks.push(chunk.slice());
    size += chunk.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function throwIfAborted(signal: AbortSignal | undefined, key: string): void {
  if (signal?.aborted) {
    throw new ExportkitError(
      'CANCELLED',
      `[exportkit] [memory] The operation on "${key}" was aborted.`,
      {
        cause: signal.reason,
        details: { key },
      },
    );
  }
}
