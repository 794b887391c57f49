import type { S3Client } from '@aws-sdk/client-s3';
import { assertValidKey } from '@exportkit/core';
import { configError } from './config-error.js';
import { type EncryptionParams, encryptionParams, type S3Encryption } from './encryption.js';

const MiB = 1024 * 1024;
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

/** {@link S3ObjectStoreOptions} checked, with their defaults applied. */
export interface StoreSettings {
  client: S3Client;
  bucket: string;
  /** The bucket, as every request but a presigned one names it. */
  target: { Bucket: string; ExpectedBucketOwner?: string };
  /** `''`, or the prefix with one trailing `/`. */
  prefix: string;
  partSize: number;
  queueSize: number;
  threshold: number;
  signPayload: boolean | undefined;
  encryption: EncryptionParams;
  logger: S3WarnLogger;
}

/** Checks `options` (they may come from untyped configuration); throws `INVALID_CONFIG`. */
export function storeSettings(options: S3ObjectStoreOptions): StoreSettings {
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    throw configError('`bucket` must be the name of an existing bucket.');
  }
  const owner = options.expectedBucketOwner;
  if (owner !== undefined && !(typeof owner === 'string' && /^\d{12}$/.test(owner))) {
    throw configError('`expectedBucketOwner` must be the 12-digit id of the owning AWS account.');
  }
  const partSize = options.partSizeBytes ?? defaultPartSize;
  const queueSize = options.queueSize ?? defaultQueueSize;
  const threshold = options.multipartThresholdBytes ?? partSize;
  const { signPayload } = options;
  if (!Number.isInteger(partSize) || partSize < minPartSize || partSize > maxSinglePut) {
    throw configError('`partSizeBytes` must be an integer from 5 MiB (S3 minimum) to 5 GiB.');
  }
  if (signPayload !== undefined && typeof signPayload !== 'boolean') {
    throw configError('`signPayload` must be true, false, or left out (decided by the protocol).');
  }
  if (!Number.isInteger(queueSize) || queueSize < 1) {
    throw configError('`queueSize` must be a positive integer.');
  }
  if (!Number.isInteger(threshold) || threshold < partSize || threshold > maxSinglePut) {
    throw configError(
      '`multipartThresholdBytes` must be an integer from `partSizeBytes` to 5 GiB.',
    );
  }
  return {
    client: options.client,
    bucket: options.bucket,
    target: { Bucket: options.bucket, ...(owner ? { ExpectedBucketOwner: owner } : {}) },
    prefix: normalizePrefix(options.prefix ?? ''),
    partSize,
    queueSize,
    threshold,
    signPayload,
    encryption: encryptionParams(options.encryption),
    logger: options.logger ?? console,
  };
}

function normalizePrefix(prefix: string): string {
  if (prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidKey(trimmed, 's3');
  return `${trimmed}/`;
}
