import { ExportkitError } from '@exportkit/core';

/** An `INVALID_CONFIG` error for an option of the store; `message` says what to fix. */
export function configError(message: string): ExportkitError {
  return new ExportkitError('INVALID_CONFIG', `[exportkit] [s3] ${message}`);
}
