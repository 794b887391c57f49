import { type ErrorCode, ExportkitError } from '@exportkit/core';

/** What the adapter was doing when the SDK failed, for the error message. */
export interface S3Operation {
  /** The S3 API call, e.g. `'GetObject'`. */
  action: string;
  bucket: string;
  /** The full object key (with the store prefix) or listing prefix, when there is one. */
  key?: string;
}

const notFound = new Set(['NoSuchKey', 'NotFound']);
/** The client talks to the bucket's wrong region or endpoint: no retry can reach it. */
const wrongRegion = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
]);
const accessDenied = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
]);
/** Requests S3 refuses as they are: the same request again fails the same way. */
const badRequest = new Set([
  'InvalidArgument',
  'InvalidRequest',
  'MalformedXML',
  'InvalidPart',
  'InvalidPartOrder',
  'EntityTooSmall',
  'EntityTooLarge',
  'KeyTooLongError',
]);
const throttled = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
]);

/**
 * The one place SDK errors become exportkit errors, so every method reports the same code for
 * the same failure: a missing key is `OBJECT_NOT_FOUND`, refused credentials or a refusing KMS
 * key `ACCESS_DENIED`, throttling `THROTTLED` (retryable), a missing bucket or the wrong region
 * `INVALID_CONFIG`, a request S3 refuses as malformed `STORAGE_ERROR` (not retryable), a vanished
 * multipart upload and anything else `STORAGE_ERROR` (retryable). The SDK error is kept as
 * `cause`.
 */
export function mapS3Error(error: unknown, operation: S3Operation): ExportkitError {
  if (error instanceof ExportkitError) return error;
  const name = errorName(error);
  const status = httpStatus(error);
  const [code, hint, retryable] = classify(name, status);
  const where = `${operation.action}${operation.key === undefined ? '' : ` of "${operation.key}"`} in bucket "${operation.bucket}"`;
  const reason = error instanceof Error ? error.message : String(error);
  return new ExportkitError(
    code,
    `[exportkit] [s3] ${where} failed: ${name ?? 'error'}: ${reason}. ${hint}`,
    {
      cause: error,
      ...(retryable === undefined ? {} : { retryable }),
      details: {
        action: operation.action,
        bucket: operation.bucket,
        ...(status ? { status } : {}),
        ...(name ? { s3Code: name } : {}),
      },
    },
  );
}

/** True when the SDK reports that the object (or bucket-level resource) does not exist. */
export function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return (
    (name !== undefined && notFound.has(name)) ||
    (httpStatus(error) === 404 && name !== 'NoSuchBucket')
  );
}

/** The code, the hint, and the retryability when it differs from the code's. */
function classify(
  name: string | undefined,
  status: number | undefined,
): [ErrorCode, string, boolean?] {
  if (name === 'NoSuchBucket') {
    return ['INVALID_CONFIG', 'Create the bucket or fix the `bucket` option of S3ObjectStore.'];
  }
  if (name && wrongRegion.has(name)) {
    return [
      'INVALID_CONFIG',
      "The bucket is in another region than the client's: set the S3Client's `region` to the bucket's (or fix the endpoint).",
    ];
  }
  if (name === 'NoSuchUpload') {
    // The multipart upload is gone (aborted, expired by a lifecycle rule, or completed by a
    // retried request whose first answer was lost): running the put again can succeed.
    return ['STORAGE_ERROR', 'The multipart upload no longer exists; the put can be run again.'];
  }
  if (name?.startsWith('KMS.')) {
    return [
      'ACCESS_DENIED',
      "S3 could not use the bucket's or the `encryption` option's KMS key: check that it exists, is enabled, and its policy allows kms:GenerateDataKey and kms:Decrypt (see docs/aws.md).",
    ];
  }
  if (name && badRequest.has(name)) {
    return ['STORAGE_ERROR', 'S3 refused the request as malformed; retrying will not help.', false];
  }
  if ((name && notFound.has(name)) || status === 404) {
    return [
      'OBJECT_NOT_FOUND',
      'The object does not exist (never written, deleted, or expired by a lifecycle rule).',
    ];
  }
  if ((name && accessDenied.has(name)) || status === 403) {
    return [
      'ACCESS_DENIED',
      'Check the credentials and that the IAM policy allows this action on the bucket and prefix; with SSE-KMS, that it allows kms:GenerateDataKey and kms:Decrypt on the key; and, for a put, whether a bucket policy requires the `encryption` option (see docs/aws.md).',
    ];
  }
  if ((name && throttled.has(name)) || status === 503 || status === 429) {
    return [
      'THROTTLED',
      'S3 asked to slow down; retry with backoff or spread keys over more prefixes.',
    ];
  }
  return ['STORAGE_ERROR', 'Check the endpoint, network and bucket; retrying may help.'];
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { name?: unknown; Code?: unknown };
  if (typeof record.Code === 'string') return record.Code;
  return typeof record.name === 'string' && record.name !== 'Error' ? record.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
