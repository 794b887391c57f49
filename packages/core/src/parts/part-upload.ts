import { createHash } from 'node:crypto';
import { asStorageError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { ChunkQueue, type PartBody } from './chunk-queue.js';
import { GzipBody } from './gzip-body.js';

/**
 * Bytes move on in chunks of about this size (smaller slices are gathered first): per-row
 * writes into zlib are ~18× slower than large chunks (TOOLCHAIN.md), and 64 KiB matches zlib's
 * and the fs streams' natural chunk size.
 */
export const chunkBytes = 64 * 1024;

/**
 * Without compression, slices at least this long move on as they are: gathering them would
 * copy every byte once more for no gain (the encoded path's runs of rows, ~8–16 KiB each, are
 * already as large as the socket reads they come from, and cost the stores one write or copy
 * each). zlib still gets whole chunks: 8 KiB writes took it 4–5× as long as 64 KiB ones.
 */
const directBytes = 4 * 1024;

/** What one finished part reports for the manifest. */
export interface UploadedPart {
  key: string;
  /** Bytes as stored (after compression). */
  bytes: number;
  /** sha256 of the stored bytes. */
  sha256: string;
}

/** Options for {@link PartUpload}. */
export interface PartUploadOptions {
  store: ObjectStore;
  key: string;
  contentType: string;
  /** gzip level, or `undefined` for no compression. */
  gzipLevel: number | undefined;
  signal: AbortSignal;
}

/** Bytes queued for the store before a write asks the worker to wait. */
const bodyHighWaterMark = 1024 * 1024;

/**
 * Streams one part into the object store while it is being written: bytes are batched into large
 * chunks, optionally gzipped, hashed and counted on their way to `store.put`. Memory stays flat:
 * callers await {@link drain} whenever a write reports backpressure. Uncompressed bytes reach
 * the store through a {@link ChunkQueue}; gzipped ones through a {@link GzipBody}.
 */
export class PartUpload {
  readonly key: string;
  #pieces: Uint8Array[] = [];
  #piecesBytes = 0;
  #bytes = 0;
  readonly #hash = createHash('sha256');
  readonly #storeName: string;
  /** Uncompressed bytes are hashed as they are written; gzipped ones as zlib puts them out. */
  readonly #uncompressed: boolean;
  readonly #body: PartBody;
  readonly #upload: Promise<void>;
  /** Set once {@link finish} has written everything and ended the body. */
  #ended = false;
  #failure: unknown;

  constructor(options: PartUploadOptions) {
    this.key = options.key;
    this.#storeName = options.store.name;
    const fail = (error: unknown) => {
      this.#failure ??= error;
    };
    this.#uncompressed = options.gzipLevel === undefined;
    this.#body =
      options.gzipLevel === undefined
        ? new ChunkQueue(bodyHighWaterMark)
        : new GzipBody(options.gzipLevel, bodyHighWaterMark, (bytes) => this.#count(bytes), fail);
    this.#upload = options.store
      .put(options.key, this.#body, { contentType: options.contentType, signal: options.signal })
      .then(() => {
        // A put that settles before the part is ended cannot have stored all of it (and the
        // worker would otherwise wait on a body nobody reads).
        if (!this.#ended) throw new Error(`the store finished before part ${this.key} ended`);
      })
      .catch((cause: unknown) => {
        const error = asStorageError(options.store.name, `store part ${options.key}`, cause);
        fail(error);
        this.#body.fail(error);
        throw error;
      });
    // Observed here so an early failure is never an unhandled rejection; finish() rethrows it.
    this.#upload.catch(() => {});
  }

  /**
   * Appends bytes. Small slices (single rows, a part's header) are gathered into one chunk
   * first; without compression, slices of {@link directBytes} or more are written as they are.
   * Returns true when the caller should `await drain()`.
   */
  writeBytes(bytes: Uint8Array): boolean {
    if (this.#uncompressed && bytes.length >= directBytes) {
      if (this.#piecesBytes > 0) this.#flushPieces();
      return this.#write(bytes);
    }
    this.#pieces.push(bytes);
    this.#piecesBytes += bytes.length;
    return this.#piecesBytes >= chunkBytes ? this.#flushPieces() : false;
  }

  /** Resolves once buffered data has moved on; rejects if the upload failed. */
  async drain(): Promise<void> {
    this.#throwIfFailed();
    await this.#body.drained();
    this.#throwIfFailed();
  }

  /** Ends the part and waits until the object is stored. */
  async finish(): Promise<UploadedPart> {
    if (this.#piecesBytes > 0) this.#flushPieces();
    this.#throwIfFailed();
    this.#ended = true;
    this.#body.end();
    await this.#upload;
    this.#throwIfFailed();
    return { key: this.key, bytes: this.#bytes, sha256: this.#hash.digest('hex') };
  }

  /**
   * Abandons the part: the store's put sees the error and leaves no object. Resolves once the
   * put has settled, so nothing of the run is still writing when the worker moves on.
   */
  async abort(reason: unknown): Promise<void> {
    this.#failure ??= reason;
    this.#body.fail(reason instanceof Error ? reason : new Error(String(reason)));
    await this.#upload.catch(() => {});
  }

  #flushPieces(): boolean {
    const pieces = this.#pieces;
    const total = this.#piecesBytes;
    this.#pieces = [];
    this.#piecesBytes = 0;
    return this.#write(
      pieces.length === 1 ? (pieces[0] as Uint8Array) : Buffer.concat(pieces, total),
    );
  }

  #write(bytes: Uint8Array): boolean {
    this.#throwIfFailed();
    if (this.#uncompressed) this.#count(bytes);
    return this.#body.push(bytes);
  }

  #count(bytes: Uint8Array): void {
    this.#hash.update(bytes);
    this.#bytes += bytes.length;
  }

  #throwIfFailed(): void {
    if (this.#failure === undefined && this.#body.abandoned) {
      // A store that stops reading early would otherwise store a truncated part.
      this.#failure = asStorageError(
        this.#storeName,
        `store part ${this.key}`,
        new Error(`the store stopped reading part ${this.key} before its end`),
      );
    }
    if (this.#failure !== undefined) throw this.#failure;
  }
}
