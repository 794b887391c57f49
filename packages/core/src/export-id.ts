import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import { ExportkitError } from './errors.js';
import type { CanonicalRequest } from './request.js';

const exportIdPattern = /^[a-f0-9]{64}$/;

/**
 * `sha256(stableStringify(canonical))` as 64 lowercase hex characters. Key order does not
 * matter and `undefined` members are dropped, so equal requests always share one id.
 */
export function computeExportId(canonical: CanonicalRequest): string {
  return createHash('sha256').update(stableStringify(canonical)).digest('hex');
}

/** True when `id` has the shape of an export id. */
export function isExportId(id: unknown): id is string {
  return typeof id === 'string' && exportIdPattern.test(id);
}

/** Throws `INVALID_EXPORT_ID` unless `id` is 64 lowercase hex characters. */
export function assertExportId(id: unknown): asserts id is string {
  if (!isExportId(id)) {
    throw new ExportkitError(
      'INVALID_EXPORT_ID',
      'An export id is 64 lowercase hexadecimal characters (the sha256 of the request).',
      { details: { exportId: typeof id === 'string' ? id.slice(0, 80) : typeof id } },
    );
  }
}
