import { ExportkitError } from '../errors.js';
import type { ResolvedExportType } from '../export-types.js';
import type { Manifest } from '../manifest.js';

/** Why a run stopped early under `onLimit: 'truncate'`. */
export type Truncation = NonNullable<Manifest['truncated']>;

/**
 * Checks a run against its type's row, byte and duration limits. Under `onLimit: 'fail'` a
 * limit throws `LIMIT_EXCEEDED`; under `'truncate'` it returns the truncation for the manifest.
 */
export class RunLimits {
  readonly #type: ResolvedExportType;
  readonly #deadline: number | undefined;

  constructor(type: ResolvedExportType, startedAt: number) {
    this.#type = type;
    this.#deadline = type.maxDurationMs === undefined ? undefined : startedAt + type.maxDurationMs;
  }

  /** A limit the next row of `bytes` would pass, given what was written so far. */
  check(rowsWritten: number, bytesWritten: number, nextRowBytes: number): Truncation | undefined {
    const { maxRows, maxBytes } = this.#type;
    if (maxRows !== undefined && rowsWritten >= maxRows) return this.#hit('maxRows', maxRows);
    if (maxBytes !== undefined && bytesWritten + nextRowBytes > maxBytes)
      return this.#hit('maxBytes', maxBytes);
    return undefined;
  }

  /** The duration limit, checked once per batch. */
  checkTime(now: number): Truncation | undefined {
    if (this.#deadline !== undefined && now > this.#deadline) {
      return this.#hit('maxDuration', this.#type.maxDurationMs ?? 0);
    }
    return undefined;
  }

  #hit(reason: Truncation['reason'], limit: number): Truncation {
    if (this.#type.onLimit === 'truncate') return { reason, limit };
    const what = { maxRows: 'rows', maxBytes: 'bytes', maxDuration: 'milliseconds' }[reason];
    throw new ExportkitError(
      'LIMIT_EXCEEDED',
      `Export type "${this.#type.name}" allows at most ${limit} ${what} per export; narrow the filters.`,
      { details: { reason, limit } },
    );
  }
}
