import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ExportkitError } from '@exportkit/core';
import type { EncryptionParams } from './encryption.js';
import { withPayloadSigning } from './payload-signing.js';
import { mapS3Error } from './s3-errors.js';
import type { S3WarnLogger } from './store-options.js';

/** The object a multipart upload writes (encryption applies to the whole upload). */
export interface MultipartParams extends EncryptionParams {
  Bucket: string;
  Key: string;
  /** Sent with every request of the upload, parts and abort included. */
  ExpectedBucketOwner?: string;
  ContentType: string;
  ContentEncoding?: string;
}

/** Sizing and logging for {@link putMultipart}. */
export interface MultipartSettings {
  partSize: number;
  queueSize: number;
  /** See `S3ObjectStoreOptions.signPayload`. */
  signPayload: boolean | undefined;
  logger: S3WarnLogger;
}

/** S3 takes at most this many parts in one multipart upload. */
const maxParts = 10_000;

/**
 * Streams `chunks` to S3 as a multipart upload and resolves with the bytes sent. Parts are cut
 * into a fixed set of `queueSize + 1` buffers, reused for the whole upload: `queueSize` in flight
 * while one fills, and reading the body waits while none is free (backpressure).
 *
 * Why not lib-storage's `Upload`: it copies each part of a streamed body into a fresh buffer
 * (`Buffer.concat`), which V8 frees only in a full GC once ~64 MB of them pile up. In the
 * 1M-row bench that held 74 MB of array buffers at the peak (192–204 MB RSS, against 150 MB
 * wanted) and doubled the worker's GC time; lib-storage alone, uploading a file, peaks at
 * 128 MB. A fixed pool bounds the upload at `(queueSize + 1) × partSize` and makes no garbage.
 *
 * On any failure or abort the multipart upload is aborted once every in-flight part has
 * settled, so none is left open, and the caller sees the original error: the body's own error
 * as is, an abort as {@link abortError}, an S3 error mapped to core's codes.
 */
export async function putMultipart(
  client: S3Client,
  params: MultipartParams,
  chunks: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  settings: MultipartSettings,
): Promise<number> {
  const { Bucket, Key, ExpectedBucketOwner } = params;
  /** The object every request after CreateMultipartUpload names. */
  const target = { Bucket, Key, ...(ExpectedBucketOwner ? { ExpectedBucketOwner } : {}) };
  const { partSize, queueSize } = settings;
  const call = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw mapS3Error(error, { action, bucket: Bucket, key: Key });
    }
  };
  // Never more than queueSize + 1: `send` lets at most queueSize go up while one fills.
  const free: Buffer[] = [];
  const inFlight = new Set<Promise<void>>();
  const parts: CompletedPart[] = [];
  let partFailure: { error: unknown } | undefined;
  let uploadId: string | undefined;
  // S3 refuses a part whose checksum type differs from the one the upload was created with
  // ("Checksum Type mismatch ... expected checksum Type: null, actual checksum Type: crc32").
  // By default the SDK sends a CRC32 with every part, so the upload must be created with it,
  // as lib-storage does; with 'WHEN_REQUIRED' neither carries one, nor with SDKs older than
  // 3.729 (within the peer range), which have no such setting and send no default checksum.
  const checksum =
    (await client.config.requestChecksumCalculation?.()) === 'WHEN_SUPPORTED'
      ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 }
      : {};

  const uploadPart = async (partNumber: number, buffer: Buffer, length: number): Promise<void> => {
    try {
      const output = await call('UploadPart', () =>
        client.send(
          withPayloadSigning(
            new UploadPartCommand({
              ...target,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: buffer.subarray(0, length),
              ContentLength: length,
              ...checksum,
            }),
            settings.signPayload,
          ),
          { abortSignal: signal },
        ),
      );
      if (!output.ETag) {
        throw new ExportkitError(
          'STORAGE_ERROR',
          `[exportkit] [s3] UploadPart ${partNumber} of "${Key}" in bucket "${Bucket}" returned no ETag; if a browser or proxy sits between, expose the ETag header.`,
        );
      }
      const {
        ETag,
        ChecksumCRC32,
        ChecksumCRC32C,
        ChecksumCRC64NVME,
        ChecksumSHA1,
        ChecksumSHA256,
      } = output;
      parts.push({
        PartNumber: partNumber,
        ETag,
        ...(ChecksumCRC32 && { ChecksumCRC32 }),
        ...(ChecksumCRC32C && { ChecksumCRC32C }),
        ...(ChecksumCRC64NVME && { ChecksumCRC64NVME }),
        ...(ChecksumSHA1 && { ChecksumSHA1 }),
        ...(ChecksumSHA256 && { ChecksumSHA256 }),
      });
      free.push(buffer);
    } catch (error) {
      partFailure ??= { error };
    }
  };

  /** Sends a filled buffer once fewer than `queueSize` parts are in flight. */
  const send = async (partNumber: number, buffer: Buffer, length: number): Promise<void> => {
    if (partNumber > maxParts) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [s3] "${Key}" needs more than ${maxParts} parts of ${partSize} bytes (S3's limit); raise partSizeBytes or lower core's maxBytesPerPart.`,
        { details: { partSize, maxParts } },
      );
    }
    while (inFlight.size >= queueSize && partFailure === undefined) await Promise.race(inFlight);
    if (partFailure) throw partFailure.error;
    const part = uploadPart(partNumber, buffer, length).finally(() => inFlight.delete(part));
    inFlight.add(part);
  };

  const nextBuffer = (): Buffer => free.pop() ?? Buffer.allocUnsafeSlow(partSize);

  let size = 0;
  try {
    uploadId = (
      await call('CreateMultipartUpload', () =>
        client.send(new CreateMultipartUploadCommand({ ...params, ...checksum }), {
          abortSignal: signal,
        }),
      )
    ).UploadId;
    let partNumber = 1;
    let buffer = nextBuffer();
    let filled = 0;
    for await (const chunk of chunks) {
      // A source that ignores the abort keeps producing; stop reading it anyway.
      signal?.throwIfAborted();
      size += chunk.byteLength;
      for (let offset = 0; offset < chunk.byteLength; ) {
        const take = Math.min(partSize - filled, chunk.byteLength - offset);
        buffer.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === partSize) {
          await send(partNumber++, buffer, filled);
          buffer = nextBuffer();
          filled = 0;
        }
      }
    }
    if (filled > 0) await send(partNumber, buffer, filled);
    await Promise.all(inFlight);
    if (partFailure) throw partFailure.error;
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await call('CompleteMultipartUpload', () =>
      client.send(
        new CompleteMultipartUploadCommand({
          ...target,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
        { abortSignal: signal },
      ),
    );
    return size;
  } catch (error) {
    await Promise.all(inFlight);
    await abortUpload(client, target, uploadId, settings.logger);
    throw signal?.aborted ? abortError(signal, Key) : error;
  }
}

/**
 * The error of an aborted operation: the signal's reason when it is already an ExportkitError
 * (the worker aborts with a retryable `CANCELLED` on shutdown), else `CANCELLED` with the
 * reason as `cause`.
 */
export function abortError(signal: AbortSignal, key: string): ExportkitError {
  if (signal.reason instanceof ExportkitError) return signal.reason;
  return new ExportkitError(
    'CANCELLED',
    `[exportkit] [s3] The operation on "${key}" was aborted.`,
    {
      cause: signal.reason,
      details: { key },
    },
  );
}

async function abortUpload(
  client: S3Client,
  target: Pick<MultipartParams, 'Bucket' | 'Key' | 'ExpectedBucketOwner'>,
  uploadId: string | undefined,
  logger: S3WarnLogger,
): Promise<void> {
  if (uploadId === undefined) return;
  try {
    await client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }));
  } catch (error) {
    logger.warn(
      '[exportkit] [s3] Could not abort a failed multipart upload; an AbortIncompleteMultipartUpload lifecycle rule removes its parts (see docs/aws.md).',
      {
        bucket: target.Bucket,
        key: target.Key,
        uploadId,
        error: error instanceof Error ? error.message : String(error),
      },
    );
  }
}
