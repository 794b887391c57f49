import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertValidKey,
  assertValidPrefix,
  ExportkitError,
  isValidKey,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type ObjectStoreCapabilities,
  type PutOptions,
  type SignedUrlOptions,
} from '@exportkit/core';
import { configError } from './config-error.js';
import { attachmentDisposition } from './content-disposition.js';
import { type EncryptionParams, encryptionParams, type S3Encryption } from './encryption.js';
import { abortError, putMultipart } from './multipart-upload.js';
import { withPayloadSigning } from './payload-signing.js';
import { isNotFound, mapS3Error } from './s3-errors.js';
import { peekBody } from './upload-body.js';

const MiB = 1024 * 1024;
/** SigV4 presigned URLs live at most 7 days. */
const maxSignedUrlMs = 7 * 24 * 60 * 60 * 1000;
/** S3 refuses multipart parts below 5 MiB (except the last) and single PUTs above 5 GiB. */
const minPartSize = 5 * MiB;
const maxSinglePut = 5 * 1024 * MiB;
/**
 * Defaults sized for the worker, whose export runs at ~40–65 MB/s of CSV: S3's smallest part
 * and two in flight keep a put at ~15 MiB of part buffers instead of ~40 MiB with 8 MiB × 4,
 * and were as fast against s3rver (see packages/s3/README.md, Performance).
 */
const defaultPartSize = minPartSize;
const defaultQueueSize = 2;
/** DeleteObjects takes at most 1,000 keys a call. */
const deleteBatchSize = 1000;

/**
 * Where the adapter reports problems it recovers from: an abort of a failed upload that failed
 * too, a listed object skipped because its key is unusable.
 */
export interface S3WarnLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Options for {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** The S3 client, configured by you (region, credentials, endpoint). Never closed by the store. */
  client: S3Client;
  /** The bucket; it must exist. */
  bucket: string;
  /**
   * Every key is stored under `{prefix}/`, so one bucket can hold several stores.
   * @defaultValue `''` (the bucket root)
   */
  prefix?: string;
  /**
   * Multipart part size in bytes, from 5 MiB (S3's minimum) to 5 GiB. An object has at most
   * 10,000 parts, so the default caps one object at about 48 GiB (core's default part is
   * 256 MiB). A streamed put holds `queueSize + 1` buffers of this size, so memory grows with it.
   * @defaultValue `5 MiB`
   */
  partSizeBytes?: number;
  /**
   * Parts uploaded in parallel. A streamed put holds about `(queueSize + 1) × partSizeBytes`
   * (the parts in flight plus the one filling). Two keep the producer and the upload
   * overlapping (one part goes up while the next fills); with one, the producer waits for each
   * part's upload. More only helps a producer faster than one connection's upload.
   * @defaultValue `2`
   */
  queueSize?: number;
  /**
   * Bodies up to this many bytes go up in one PutObject (held in memory); larger ones stream as
   * a multipart upload. At least `partSizeBytes`, at most 5 GiB. @defaultValue `partSizeBytes`
   */
  multipartThresholdBytes?: number;
  /**
   * Whether uploads sign their bodies (SigV4 then hashes every byte with SHA-256). With `false`
   * they are sent as S3's `UNSIGNED-PAYLOAD`: the request is signed, the body is not hashed,
   * and it is checked by TLS, the CRC32 the SDK sends with it and the manifest's SHA-256. Set
   * `true` for an S3-compatible server or a bucket policy that refuses unsigned bodies.
   * @defaultValue `false` over HTTPS, `true` over plain HTTP (as botocore and the Java and Go
   * SDKs decide)
   */
  signPayload?: boolean;
  /**
   * The AWS account id (12 digits) that must own the bucket. Every request but `signedUrl`'s
   * carries it as `x-amz-expected-bucket-owner`, and S3 refuses it (403, `ACCESS_DENIED`) when
   * another account owns the bucket: exports are never written to, nor records read from, a
   * bucket of the same name in someone else's account (a deleted and re-created name, a typo).
   * @defaultValue none: any owner
   */
  expectedBucketOwner?: string;
  /**
   * Server-side encryption for every object the store writes, sent with each PutObject and
   * CreateMultipartUpload: `{ type: 'AES256' }` (SSE-S3), `{ type: 'aws:kms', kmsKeyId?,
   * bucketKey? }` (SSE-KMS) or `{ type: 'aws:kms:dsse', kmsKeyId? }`. See {@link S3Encryption}.
   * @defaultValue none: the bucket's default encryption applies (SSE-S3 unless set otherwise)
   */
  encryption?: S3Encryption;
  /** Receives warnings (see {@link S3WarnLogger}). @defaultValue `console` */
  logger?: S3WarnLogger;
}

/**
 * An {@link ObjectStore} on Amazon S3 (or any S3 API server). Small bodies go up in one
 * PutObject; larger ones stream as a multipart upload cut into a fixed pool of part buffers
 * (see `putMultipart`), aborted on failure or abort. `list` hides ListObjectsV2 pagination,
 * `delete` batches DeleteObjects, and `signedUrl` presigns GetObject with the download name as
 * Content-Disposition.
 */
export class S3ObjectStore implements ObjectStore {
  readonly name = 's3';
  readonly capabilities: ObjectStoreCapabilities = { signedUrls: true, maxSignedUrlMs };
  readonly #client: S3Client;
  readonly #bucket: string;
  /** The bucket, as every request but a presigned one names it. */
  readonly #target: { Bucket: string; ExpectedBucketOwner?: string };
  readonly #prefix: string;
  readonly #partSize: number;
  readonly #queueSize: number;
  readonly #threshold: number;
  readonly #signPayload: boolean | undefined;
  readonly #encryption: EncryptionParams;
  readonly #logger: S3WarnLogger;

  constructor(options: S3ObjectStoreOptions) {
    if (typeof options.bucket !== 'string' || options.bucket === '') {
      throw configError('`bucket` must be the name of an existing bucket.');
    }
    const owner = options.expectedBucketOwner;
    if (owner !== undefined && !(typeof owner === 'string' && /^\d{12}$/.test(owner))) {
      throw configError('`expectedBucketOwner` must be the 12-digit id of the owning AWS account.');
    }
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#target = { Bucket: options.bucket, ...(owner ? { ExpectedBucketOwner: owner } : {}) };
    this.#prefix = normalizePrefix(options.prefix ?? '');
    this.#partSize = options.partSizeBytes ?? defaultPartSize;
    this.#queueSize = options.queueSize ?? defaultQueueSize;
    this.#threshold = options.multipartThresholdBytes ?? this.#partSize;
    this.#signPayload = options.signPayload;
    this.#encryption = encryptionParams(options.encryption);
    this.#logger = options.logger ?? console;
    if (
      !Number.isInteger(this.#partSize) ||
      this.#partSize < minPartSize ||
      this.#partSize > maxSinglePut
    ) {
      throw configError('`partSizeBytes` must be an integer from 5 MiB (S3 minimum) to 5 GiB.');
    }
    if (this.#signPayload !== undefined && typeof this.#signPayload !== 'boolean') {
      throw configError(
        '`signPayload` must be true, false, or left out (decided by the protocol).',
      );
    }
    if (!Number.isInteger(this.#queueSize) || this.#queueSize < 1) {
      throw configError('`queueSize` must be a positive integer.');
    }
    if (
      !Number.isInteger(this.#threshold) ||
      this.#threshold < this.#partSize ||
      this.#threshold > maxSinglePut
    ) {
      throw configError(
        '`multipartThresholdBytes` must be an integer from `partSizeBytes` to 5 GiB.',
      );
    }
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ size: number }> {
    assertValidKey(key, this.name);
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal, key);
    const params = {
      ...this.#target,
      Key: this.#objectKey(key),
      ContentType: options.contentType ?? 'application/octet-stream',
      ...(options.contentEncoding ? { ContentEncoding: options.contentEncoding } : {}),
      ...this.#encryption,
    };
    const peeked = await peekBody(body, this.#threshold, signal).catch((error: unknown) => {
      // The body's own error is the caller's to see as is; an abort is reported as such.
      throw signal?.aborted ? abortError(signal, key) : error;
    });
    if (peeked.kind === 'whole') {
      try {
        const command = withPayloadSigning(
          new PutObjectCommand({
            ...params,
            Body: peeked.bytes,
            ContentLength: peeked.bytes.byteLength,
          }),
          this.#signPayload,
        );
        await this.#client.send(command, { abortSignal: signal });
        return { size: peeked.bytes.byteLength };
      } catch (error) {
        throw this.#failure(error, 'PutObject', params.Key, signal);
      }
    }
    try {
      const size = await putMultipart(this.#client, params, peeked.chunks, signal, {
        partSize: this.#partSize,
        queueSize: this.#queueSize,
        signPayload: this.#signPayload,
        logger: this.#logger,
      });
      return { size };
    } catch (error) {
      // Also when the upload never read the body: its source (a cursor, a file) must go free.
      await peeked.close().catch(() => undefined);
      throw error;
    }
  }

  async get(
    key: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<AsyncIterable<Uint8Array>> {
    assertValidKey(key, this.name);
    const objectKey = this.#objectKey(key);
    try {
      const command = new GetObjectCommand({ ...this.#target, Key: objectKey });
      const output = await this.#client.send(command, { abortSignal: options.signal });
      // In Node the body is an IncomingMessage: an async iterable of Buffers.
      const stream = output.Body as AsyncIterable<Uint8Array> | undefined;
      return this.#readBody(stream, objectKey, options.signal);
    } catch (error) {
      throw this.#failure(error, 'GetObject', objectKey, options.signal);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key, this.name);
    const objectKey = this.#objectKey(key);
    try {
      const output = await this.#client.send(
        new HeadObjectCommand({ ...this.#target, Key: objectKey }),
      );
      return {
        key,
        size: output.ContentLength ?? 0,
        lastModified: output.LastModified ?? new Date(0),
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw mapS3Error(error, { action: 'HeadObject', bucket: this.#bucket, key: objectKey });
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix, this.name);
    const listPrefix = this.#prefix + prefix;
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({
        ...this.#target,
        Prefix: listPrefix,
        ContinuationToken: token,
      });
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.#client.send(command);
      } catch (error) {
        throw mapS3Error(error, { action: 'ListObjectsV2', bucket: this.#bucket, key: listPrefix });
      }
      // S3 already returns keys in UTF-8 byte order, page after page.
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        const key = object.Key.slice(this.#prefix.length);
        if (!isValidKey(key)) {
          // Written by another tool (the console's "Create folder", a sync): no method takes
          // it, and one such key in a batch delete would fail the whole cleanup.
          this.#logger.warn('[exportkit] [s3] Skipping an object whose key exportkit cannot use.', {
            bucket: this.#bucket,
            key: object.Key,
          });
          continue;
        }
        yield {
          key,
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(keys: readonly string[]): Promise<void> {
    // Validate the whole batch first: one bad key deletes nothing.
    for (const key of keys) assertValidKey(key, this.name);
    const objectKeys = [...new Set(keys)].map((key) => this.#objectKey(key));
    for (let start = 0; start < objectKeys.length; start += deleteBatchSize) {
      const batch = objectKeys.slice(start, start + deleteBatchSize);
      const command = new DeleteObjectsCommand({
        ...this.#target,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      });
      let errors: { Key?: string; Code?: string; Message?: string }[] | undefined;
      try {
        errors = (await this.#client.send(command)).Errors;
      } catch (error) {
        throw mapS3Error(error, { action: 'DeleteObjects', bucket: this.#bucket, key: batch[0] });
      }
      // Deleting a missing key is success in S3; any reported error is a real refusal.
      const failed = errors?.find((entry) => entry.Code !== 'NoSuchKey');
      if (failed) {
        const cause = Object.assign(
          new Error(failed.Message ?? 'DeleteObjects reported an error'),
          {
            name: failed.Code ?? 'DeleteObjectsError',
          },
        );
        throw mapS3Error(cause, { action: 'DeleteObjects', bucket: this.#bucket, key: failed.Key });
      }
    }
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    assertValidKey(key, this.name);
    const { expiresInMs, downloadName } = options;
    if (!Number.isFinite(expiresInMs) || expiresInMs <= 0 || expiresInMs > maxSignedUrlMs) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [s3] A presigned URL lives more than 0 and at most 7 days (${maxSignedUrlMs} ms, the SigV4 limit); got expiresInMs ${expiresInMs}. Lower the export type's urlTtlMs.`,
        { details: { expiresInMs, maxSignedUrlMs } },
      );
    }
    // Without the expected owner: a browser's download cannot send the header, and the URL is
    // for an object the store itself wrote or read through the checked bucket.
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: this.#objectKey(key),
      ...(downloadName ? { ResponseContentDisposition: attachmentDisposition(downloadName) } : {}),
    });
    try {
      return await getSignedUrl(this.#client, command, {
        expiresIn: Math.ceil(expiresInMs / 1000),
      });
    } catch (error) {
      throw mapS3Error(error, {
        action: 'presign GetObject',
        bucket: this.#bucket,
        key: this.#objectKey(key),
      });
    }
  }

  async *#readBody(
    stream: AsyncIterable<Uint8Array> | undefined,
    objectKey: string,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array> {
    if (!stream) return;
    try {
      for await (const chunk of stream) yield chunk;
    } catch (error) {
      throw this.#failure(error, 'GetObject', objectKey, signal);
    }
  }

  #failure(error: unknown, action: string, key: string, signal: AbortSignal | undefined): unknown {
    // An abort the caller asked for is reported as such, not as a storage fault.
    if (signal?.aborted) return abortError(signal, key);
    return mapS3Error(error, { action, bucket: this.#bucket, key });
  }

  #objectKey(key: string): string {
    return this.#prefix + key;
  }
}

function normalizePrefix(prefix: string): string {
  if (prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidKey(trimmed, 's3');
  return `${trimmed}/`;
}
