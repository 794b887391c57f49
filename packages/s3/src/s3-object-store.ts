import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
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
import { attachmentDisposition } from './content-disposition.js';
import { abortError, putMultipart } from './multipart-upload.js';
import { withPayloadSigning } from './payload-signing.js';
import { isNotFound, mapS3Error } from './s3-errors.js';
import { type S3ObjectStoreOptions, type StoreSettings, storeSettings } from './store-options.js';
import { peekBody } from './upload-body.js';

/** SigV4 presigned URLs live at most 7 days. */
const maxSignedUrlMs = 7 * 24 * 60 * 60 * 1000;
/** DeleteObjects takes at most 1,000 keys a call. */
const deleteBatchSize = 1000;

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
  /** The options, checked, with defaults applied. */
  readonly #s: StoreSettings;

  constructor(options: S3ObjectStoreOptions) {
    this.#s = storeSettings(options);
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ size: number }> {
    assertValidKey(key, this.name);
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal, key);
    const params = {
      ...this.#s.target,
      Key: this.#objectKey(key),
      ContentType: options.contentType ?? 'application/octet-stream',
      ...(options.contentEncoding ? { ContentEncoding: options.contentEncoding } : {}),
      ...this.#s.encryption,
    };
    const peeked = await peekBody(body, this.#s.threshold, signal).catch((error: unknown) => {
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
          this.#s.signPayload,
        );
        await this.#s.client.send(command, { abortSignal: signal });
        return { size: peeked.bytes.byteLength };
      } catch (error) {
        throw this.#failure(error, 'PutObject', params.Key, signal);
      }
    }
    try {
      const size = await putMultipart(this.#s.client, params, peeked.chunks, signal, this.#s);
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
      const command = new GetObjectCommand({ ...this.#s.target, Key: objectKey });
      const output = await this.#s.client.send(command, { abortSignal: options.signal });
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
      const output = await this.#s.client.send(
        new HeadObjectCommand({ ...this.#s.target, Key: objectKey }),
      );
      return {
        key,
        size: output.ContentLength ?? 0,
        lastModified: output.LastModified ?? new Date(0),
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw mapS3Error(error, { action: 'HeadObject', bucket: this.#s.bucket, key: objectKey });
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix, this.name);
    const listPrefix = this.#s.prefix + prefix;
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({
        ...this.#s.target,
        Prefix: listPrefix,
        ContinuationToken: token,
      });
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.#s.client.send(command);
      } catch (error) {
        throw mapS3Error(error, {
          action: 'ListObjectsV2',
          bucket: this.#s.bucket,
          key: listPrefix,
        });
      }
      // S3 already returns keys in UTF-8 byte order, page after page.
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        const key = object.Key.slice(this.#s.prefix.length);
        if (!isValidKey(key)) {
          // Written by another tool (the console's "Create folder", a sync): no method takes
          // it, and one such key in a batch delete would fail the whole cleanup.
          this.#s.logger.warn(
            '[exportkit] [s3] Skipping an object whose key exportkit cannot use.',
            {
              bucket: this.#s.bucket,
              key: object.Key,
            },
          );
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
        ...this.#s.target,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      });
      let errors: { Key?: string; Code?: string; Message?: string }[] | undefined;
      try {
        errors = (await this.#s.client.send(command)).Errors;
      } catch (error) {
        throw mapS3Error(error, { action: 'DeleteObjects', bucket: this.#s.bucket, key: batch[0] });
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
        throw mapS3Error(cause, {
          action: 'DeleteObjects',
          bucket: this.#s.bucket,
          key: failed.Key,
        });
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
      Bucket: this.#s.bucket,
      Key: this.#objectKey(key),
      ...(downloadName ? { ResponseContentDisposition: attachmentDisposition(downloadName) } : {}),
    });
    try {
      return await getSignedUrl(this.#s.client, command, {
        expiresIn: Math.ceil(expiresInMs / 1000),
      });
    } catch (error) {
      throw mapS3Error(error, {
        action: 'presign GetObject',
        bucket: this.#s.bucket,
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
    return mapS3Error(error, { action, bucket: this.#s.bucket, key });
  }

  #objectKey(key: string): string {
    return this.#s.prefix + key;
  }
}
