import type { CreateMultipartUploadCommandInput } from '@aws-sdk/client-s3';
import { configError } from './config-error.js';

/**
 * Server-side encryption S3 applies to every object the store writes: parts, manifests and, with
 * `ObjectStoreJobStore`, job records.
 *
 * - `'AES256'`: SSE-S3, keys managed by S3 (what S3 applies to new objects anyway when the
 *   bucket sets nothing else).
 * - `'aws:kms'`: SSE-KMS, with `kmsKeyId` (key id, key ARN or alias ARN; default: the AWS
 *   managed key `aws/s3`), and `bucketKey` to let S3 use a bucket-level key and call KMS far
 *   less often (fewer requests, lower cost).
 * - `'aws:kms:dsse'`: dual-layer SSE-KMS, with `kmsKeyId`; S3 Bucket Keys do not apply to it.
 *
 * Set it when a bucket policy refuses puts without the `x-amz-server-side-encryption` header,
 * or to encrypt with a KMS key of your own; a bucket's default encryption needs nothing here.
 */
export type S3Encryption =
  | { type: 'AES256' }
  | { type: 'aws:kms'; kmsKeyId?: string; bucketKey?: boolean }
  | { type: 'aws:kms:dsse'; kmsKeyId?: string };

/** What {@link S3Encryption} adds to PutObject and CreateMultipartUpload. */
export type EncryptionParams = Pick<
  CreateMultipartUploadCommandInput,
  'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled'
>;

const types = ['AES256', 'aws:kms', 'aws:kms:dsse'];

/**
 * Checks `encryption` (it may come from untyped configuration) and returns the SDK parameters
 * for it; none when it is `undefined`. Throws `INVALID_CONFIG` saying what to fix.
 */
export function encryptionParams(encryption: S3Encryption | undefined): EncryptionParams {
  if (encryption === undefined) return {};
  if (typeof encryption !== 'object' || encryption === null || !types.includes(encryption.type)) {
    throw configError(
      `\`encryption.type\` must be 'AES256', 'aws:kms' or 'aws:kms:dsse'; got ${JSON.stringify((encryption as { type?: unknown } | null)?.type)}.`,
    );
  }
  const { type, kmsKeyId, bucketKey } = encryption as {
    type: S3Encryption['type'];
    kmsKeyId?: unknown;
    bucketKey?: unknown;
  };
  if (kmsKeyId !== undefined && (typeof kmsKeyId !== 'string' || kmsKeyId === '')) {
    throw configError('`encryption.kmsKeyId` must be a KMS key id, key ARN or alias ARN.');
  }
  if (bucketKey !== undefined && typeof bucketKey !== 'boolean') {
    throw configError('`encryption.bucketKey` must be true or false.');
  }
  if (type === 'AES256' && (kmsKeyId !== undefined || bucketKey !== undefined)) {
    throw configError(
      "`encryption.kmsKeyId` and `bucketKey` apply to SSE-KMS only: use type 'aws:kms', or drop them for SSE-S3 ('AES256').",
    );
  }
  if (type === 'aws:kms:dsse' && bucketKey !== undefined) {
    throw configError(
      "S3 Bucket Keys do not apply to 'aws:kms:dsse'; drop `encryption.bucketKey`.",
    );
  }
  return {
    ServerSideEncryption: type,
    ...(kmsKeyId !== undefined ? { SSEKMSKeyId: kmsKeyId } : {}),
    ...(bucketKey !== undefined ? { BucketKeyEnabled: bucketKey } : {}),
  };
}
