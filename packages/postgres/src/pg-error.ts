import { type ErrorCode, ExportkitError } from '@exportkit/core';

/** SQLSTATE classes where trying again later can succeed: connection, rollback, resources, shutdown. */
const retryableClasses = new Set(['08', '40', '53', '55', '57', '58']);

/**
 * Wraps an error from `pg` in an {@link ExportkitError} with `code`, keeping it as `cause`.
 * A missing table becomes `INVALID_CONFIG` with a hint to run the migrations; SQLSTATE classes
 * that a retry can fix (and network errors, which have no SQLSTATE) stay retryable.
 */
export function wrapPgError(error: unknown, code: ErrorCode, doing: string): ExportkitError {
  if (error instanceof ExportkitError) return error;
  const sqlState = sqlStateOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (sqlState === '42P01' || sqlState === '3F000') {
    return new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [postgres] ${doing} failed: ${reason}. Run \`migrate(pool)\` from @exportkit/postgres (or apply its migration SQL) for this schema first.`,
      { cause: error, details: { sqlState } },
    );
  }
  return new ExportkitError(code, `[exportkit] [postgres] ${doing} failed: ${reason}`, {
    cause: error,
    retryable: sqlState === undefined || retryableClasses.has(sqlState.slice(0, 2)),
    ...(sqlState ? { details: { sqlState } } : {}),
  });
}

/**
 * The SQLSTATE of a server error, if any: pg's `DatabaseError` carries it as `code` beside a
 * `severity`. A code alone is not enough: Node's socket errors have one too, and `EPIPE` (a
 * dropped connection, which a retry can fix) has five capitals like a SQLSTATE.
 */
export function sqlStateOf(error: unknown): string | undefined {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
    ? code
    : undefined;
}
