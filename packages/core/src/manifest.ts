import type { Column } from './ports/row-source.js';
import type { Compression, CsvOptions, ExportFormat } from './request.js';

/** How values were written; recorded in every manifest so readers need not guess. */
export interface SerializationRules {
  timeZone: 'UTC';
  date: 'iso8601';
  bigint: 'string';
  decimal: 'string';
  binary: 'base64';
  json: 'json-text-in-csv' | 'embedded';
  null: 'empty-field' | 'null';
  /** Non-finite numbers are written as these strings. */
  nonFiniteNumber: 'string';
}

/** One part of an export, as listed in the manifest. */
export interface ManifestPart {
  /** 1-based. */
  index: number;
  key: string;
  rows: number;
  /** Bytes as stored (after compression). */
  bytes: number;
  /** sha256 of the stored bytes, lowercase hex. */
  sha256: string;
}

/**
 * The commit point of a run: written after every part, listing them with checksums. Parts
 * without a committed manifest are invisible.
 */
export interface Manifest {
  manifestVersion: 1;
  exportId: string;
  runId: string;
  tenantId: string;
  type: string;
  format: ExportFormat;
  compression: Compression;
  csv?: Required<CsvOptions>;
  columns: Column[];
  serialization: SerializationRules;
  parts: ManifestPart[];
  totals: { rows: number; bytes: number; parts: number };
  startedAt: string;
  finishedAt: string;
  /** Present when a configured row, byte or duration limit cut the export short. */
  truncated?: { reason: 'maxRows' | 'maxBytes' | 'maxDuration'; limit: number };
  /** `'encoded'` when the source produced the bytes itself (e.g. Postgres COPY). */
  path: 'rows' | 'encoded';
}
