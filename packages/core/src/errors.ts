/**
 * Every failure exportkit reports is an {@link ExportkitError} with a stable {@link ErrorCode}.
 * The table below is the one place that says, per code, whether a retry can help; adapters
 * raise these codes where they call their SDK, so users see the same error whatever the backend.
 */
export const errorCodes = {
  /** The request body or options are malformed (missing field, wrong type). */
  INVALID_REQUEST: { retryable: false },
  /** No export type is registered under the requested name. */
  UNKNOWN_EXPORT_TYPE: { retryable: false },
  /** The export type's filter parser rejected the filters. */
  INVALID_FILTERS: { retryable: false },
  /** An export id that is not 64 lowercase hex characters. */
  INVALID_EXPORT_ID: { retryable: false },
  /** A format, compression or column the export type does not offer. */
  UNSUPPORTED_FORMAT: { retryable: false },
  /** A tenant id that cannot be used as a storage key segment. */
  INVALID_TENANT: { retryable: false },
  /** No export with this id exists for this tenant. */
  EXPORT_NOT_FOUND: { retryable: false },
  /** The transition is not allowed from the job's current status (e.g. cancelling a finished job). */
  INVALID_TRANSITION: { retryable: false },
  /** A compare-and-set lost a race: the job changed since it was read. */
  CONFLICT: { retryable: true },
  /** The export is not finished, so it has no files yet. */
  EXPORT_NOT_READY: { retryable: true },
  /** The requested part does not exist in the manifest. */
  PART_NOT_FOUND: { retryable: false },
  /** An object key that is empty, absolute, or holds `..`, backslash, NUL or an empty segment. */
  INVALID_KEY: { retryable: false },
  /** The object does not exist. */
  OBJECT_NOT_FOUND: { retryable: false },
  /** The storage backend refused the credentials or the operation. */
  ACCESS_DENIED: { retryable: false },
  /** The backend asked us to slow down. */
  THROTTLED: { retryable: true },
  /** The object store failed for another reason (network, server error). */
  STORAGE_ERROR: { retryable: true },
  /** The queue failed (network, server error). */
  QUEUE_ERROR: { retryable: true },
  /** The job store failed (network, server error). */
  JOB_STORE_ERROR: { retryable: true },
  /** The row source failed while reading rows. */
  SOURCE_ERROR: { retryable: true },
  /** A row or byte or duration limit with `onLimit: 'fail'` was exceeded. */
  LIMIT_EXCEEDED: { retryable: false },
  /** A value could not be written under the serialization contract (e.g. an invalid Date). */
  SERIALIZATION_ERROR: { retryable: false },
  /** A signed URL that is malformed or whose signature does not match. */
  INVALID_SIGNATURE: { retryable: false },
  /** A signed URL past its expiry. */
  URL_EXPIRED: { retryable: false },
  /** A worker's fence token is no longer current: another worker owns the job. */
  STALE_FENCE: { retryable: false },
  /** The export was cancelled while it ran. */
  CANCELLED: { retryable: false },
  /** A configuration mistake: an option out of range, a missing adapter. */
  INVALID_CONFIG: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof errorCodes;

/** Options for {@link ExportkitError}. */
export interface ExportkitErrorOptions {
  /** Structured facts for the caller (field names, limits); safe to show to API clients. */
  details?: Record<string, unknown>;
  /** The underlying error. */
  cause?: unknown;
  /** Overrides the code's default retryability. */
  retryable?: boolean;
}

/** The one error type exportkit throws. `code` is stable; `message` says what to fix. */
export class ExportkitError extends Error {
  override readonly name = 'ExportkitError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ExportkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? errorCodes[code].retryable;
    this.details = options.details;
  }

  /** The `{ code, message, retryable }` shape recorded on failed jobs. */
  toJSON(): {
    code: ErrorCode;
    message: string;
    retryable: boolean;
    details?: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** True when `error` is an {@link ExportkitError}, optionally with the given code. */
export function isExportkitError(error: unknown, code?: ErrorCode): error is ExportkitError {
  return error instanceof ExportkitError && (code === undefined || error.code === code);
}

/**
 * Passes typed errors through and turns anything else an object store threw into a retryable
 * `STORAGE_ERROR` that names the store and what it was doing.
 */
export function asStorageError(store: string, doing: string, error: unknown): ExportkitError {
  if (error instanceof ExportkitError) return error;
  return new ExportkitError(
    'STORAGE_ERROR',
    `[exportkit] [${store}] Could not ${doing}: ${String(error)}`,
    { cause: error },
  );
}
