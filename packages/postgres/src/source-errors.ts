import type { ExportkitError } from '@exportkit/core';
import { wrapPgError } from './pg-error.js';

/** A read error as `SOURCE_ERROR` (retryable only for transient SQLSTATE classes). */
export function wrapSourceError(error: unknown, doing: string): ExportkitError {
  return wrapPgError(error, 'SOURCE_ERROR', doing);
}

/** What an aborted read throws: the signal's reason, as `AbortSignal#throwIfAborted` does. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason;
}
