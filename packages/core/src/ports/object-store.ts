/** A body for {@link ObjectStore.put}: bytes, text, or a stream of chunks (consumed once). */
export type ObjectBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/** Options for {@link ObjectStore.put}. */
export interface PutOptions {
  /** Stored as the object's content type. @defaultValue `'application/octet-stream'` */
  contentType?: string;
  /** Stored as the object's content encoding (e.g. `'gzip'`). */
  contentEncoding?: string;
  /** Aborts the upload; a multipart upload is aborted, never left open. */
  signal?: AbortSignal;
}

/** What {@link ObjectStore.head} and {@link ObjectStore.list} report per object. */
export interface ObjectInfo {
  key: string;
  /** Size in bytes as stored. */
  size: number;
  lastModified: Date;
  contentType?: string;
}

/** Options for {@link ObjectStore.signedUrl}. */
export interface SignedUrlOptions {
  /** Lifetime of the URL in milliseconds. */
  expiresInMs: number;
  /** File name the browser saves the download as (Content-Disposition). */
  downloadName?: string;
}

/** What an ObjectStore adapter supports; the conformance suite turns groups on or off from it. */
export interface ObjectStoreCapabilities {
  /** `signedUrl` returns a URL a plain HTTP client can fetch. */
  signedUrls: boolean;
  /** The longest `expiresInMs` `signedUrl` accepts, if bounded (S3: 7 days). */
  maxSignedUrlMs?: number;
}

/**
 * Where export bytes go. Keys are `/`-separated relative paths; every method rejects an
 * invalid key (empty, leading `/`, `..` or empty segment, backslash, NUL) with `INVALID_KEY`
 * before touching the backend.
 */
export interface ObjectStore {
  /** Short adapter name used in error messages (`'s3'`, `'local-disk'`). */
  readonly name: string;
  readonly capabilities: ObjectStoreCapabilities;
  /**
   * Streams `body` to `key`, replacing any object there. Never holds a whole streamed body in
   * memory. The object becomes visible only once complete: a failed or aborted put leaves no
   * partial object. Resolves with the stored size in bytes.
   */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<{ size: number }>;
  /** Streams the object's bytes. Throws `OBJECT_NOT_FOUND` when the key is missing. */
  get(key: string, options?: { signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array>>;
  /** The object's info, or `undefined` when the key is missing (does not throw). */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object whose key starts with `prefix`, in ascending key order (byte order of the
   * UTF-8 key), with pagination hidden. An empty prefix lists everything. Objects that other
   * tools wrote under keys no method accepts (a console's `folder/` marker, `a//b`) are left
   * out, so every listed key can be read and deleted.
   */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes the keys. Idempotent: missing keys are not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * A URL that downloads `key` until `expiresInMs` has passed. Throws `INVALID_CONFIG` when
   * `expiresInMs` exceeds `capabilities.maxSignedUrlMs`. Does not check that the key exists.
   */
  signedUrl(key: string, options: SignedUrlOptions): Promise<string>;
}
