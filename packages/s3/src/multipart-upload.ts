import { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ExportkitError } from '@exportkit/core';
import { mapS3Error } from './s3-errors.js';
import type { S3WarnLogger } from './s3-object-store.js';

/** The object a multipart upload writes. */
export interface MultipartParams {
  Bucket: string;
  Key: string;
  ContentType: string;
  ContentEncoding?: string;
}

/** Sizing and logging for {@link putMultipart}. */
export interface MultipartSettings {
  partSize: number;
  queueSize: number;
  logger: S3WarnLogger;
}

/**
 * Streams `chunks` to S3 through lib-storage's `Upload` and resolves with the bytes sent. On
 * any failure or abort the multipart upload is aborted once every in-flight part has settled,
 * so none is left open, and the caller sees the original error: the body's own error as is,
 * an abort as {@link abortError}, an S3 error mapped to core's codes.
 */
export async function putMultipart(
  client: S3Client,
  params: MultipartParams,
  chunks: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  settings: MultipartSettings,
): Promise<number> {
  let size = 0;
  let bodyError: unknown;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of chunks) {
        // A source that ignores the abort keeps producing; stop reading it anyway.
        signal?.throwIfAborted();
        size += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      bodyError = error;
      throw error;
    }
  };
  const stream = Readable.from(counted(), { objectMode: false });
  const onAbort = (): void => {
    stream.destroy(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // leavePartsOnError: we abort ourselves, after every in-flight part settled, so that the
  // error the caller sees is the original one even when the abort call fails too.
  const upload = new Upload({
    client,
    params: { ...params, Body: stream },
    partSize: settings.partSize,
    queueSize: settings.queueSize,
    leavePartsOnError: true,
  });
  try {
    await upload.done();
    return size;
  } catch (error) {
    stream.destroy();
    await abortUpload(client, params, upload.uploadId, settings.logger);
    if (signal?.aborted) throw abortError(signal, params.Key);
    if (error === bodyError) throw error;
    throw mapS3Error(error, { action: 'multipart upload', bucket: params.Bucket, key: params.Key });
  } finally {
    signal?.removeEventListener('abort', onAbort);
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
  params: MultipartParams,
  uploadId: string | undefined,
  logger: S3WarnLogger,
): Promise<void> {
  if (uploadId === undefined) return;
  try {
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: params.Bucket,
        Key: params.Key,
        UploadId: uploadId,
      }),
    );
  } catch (error) {
    logger.warn(
      '[exportkit] [s3] Could not abort a failed multipart upload; an AbortIncompleteMultipartUpload lifecycle rule removes its parts (see docs/aws.md).',
      {
        bucket: params.Bucket,
        key: params.Key,
        uploadId,
        error: error instanceof Error ? error.message : String(error),
      },
    );
  }
}
