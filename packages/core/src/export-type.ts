import type { JobRecord } from './job.js';
import type { Column, Row, RowSource } from './ports/row-source.js';
import type { ExportFormat } from './request.js';

/** Row, byte and duration limits of an export type. */
export interface ExportLimits {
  /** Stop after this many data rows. */
  maxRows?: number;
  /** Stop once this many bytes (uncompressed) are written. */
  maxBytes?: number;
  /** Stop a run that takes longer than this. */
  maxDurationMs?: number;
  /**
   * `'fail'` records the job as failed with `LIMIT_EXCEEDED`; `'truncate'` commits what was
   * written and marks the manifest `truncated` with the reason, never silently.
   * @defaultValue `'fail'`
   */
  onLimit?: 'fail' | 'truncate';
}

/** How output is split into parts. Each part repeats the header and ends on a row boundary. */
export interface PartSizing {
  /** @defaultValue `1_000_000` */
  maxRowsPerPart?: number;
  /** Uncompressed bytes per part. @defaultValue `256 MiB` */
  maxBytesPerPart?: number;
  /**
   * zlib level for `compression: 'gzip'`. Level 1 costs a fraction of level 6's CPU for about
   * 8% more bytes, and an export is usually downloaded once. @defaultValue `1`
   */
  gzipLevel?: number;
}

/**
 * One kind of export a service offers: where its rows come from, which columns and filters it
 * takes, and how long its results live. Registered with the Exporter and the worker by name.
 */
export interface ExportTypeDefinition<
  Filters extends Record<string, unknown> = Record<string, unknown>,
> {
  /** The name callers request it by. */
  name: string;
  /** Bump when the query or columns change, so cached exports are not reused. @defaultValue `'1'` */
  version?: string;
  source: RowSource;
  /** Output columns in default order; a request may select a subset. */
  columns: readonly (string | Column)[];
  /** Formats offered. @defaultValue `['csv', 'ndjson', 'json']` */
  formats?: readonly ExportFormat[];
  /**
   * Validates raw filters and returns them typed (e.g. a zod schema's `parse`). Whatever it
   * throws becomes `INVALID_FILTERS` with the thrown message. @defaultValue accepts an object
   */
  parseFilters?(input: unknown): Filters;
  /**
   * Resolves relative windows to absolute ones and sorts set-valued filters, before hashing,
   * so "last 7 days" asked twice on one day is one export.
   */
  normalize?(filters: Filters, now: Date): Filters;
  /** A per-row transform; when set, the encoded fast path of the source is not used. */
  transform?(row: Row): Row;
  limits?: ExportLimits;
  parts?: PartSizing;
  /** A succeeded export older than this is rebuilt on the next request. @defaultValue 24 hours */
  maxAgeMs?: number;
  /**
   * Lifetime of each download URL handed out, cut short so none outlives `retentionMs`.
   * @defaultValue 1 hour
   */
  urlTtlMs?: number;
  /** A succeeded export is expired and its files deleted by `cleanup()` after this. @defaultValue 7 days */
  retentionMs?: number;
  /** The file name a download is saved as. @defaultValue `'{type}-{id8}-part-{n}.{ext}'` */
  downloadName?(job: JobRecord, part: number, extension: string): string;
}

/**
 * Declares an export type with typed filters: `parseFilters` fixes the filter type, and
 * `normalize` and the source see it. Returns the definition in the form the Exporter and the
 * worker take (filters are plain JSON by then).
 */
export function defineExportType<Filters extends Record<string, unknown>>(
  definition: ExportTypeDefinition<Filters>,
): ExportTypeDefinition {
  // Sound because the Exporter only ever passes normalize what parseFilters returned.
  return definition as unknown as ExportTypeDefinition;
}
