import { ExportkitError } from './errors.js';
import type { ExportTypeRegistry, ResolvedExportType } from './export-types.js';
import { assertTenantId } from './keys.js';
import {
  type CanonicalRequest,
  type Compression,
  compressions,
  type ExportRequest,
} from './request.js';
import { resolveCsvOptions } from './writers/index.js';

/** Excel's sheet holds 1,048,576 rows; one is the header. */
const spreadsheetMaxDataRows = 1_048_575;

/**
 * Validates a request against its export type and returns the canonical form hashed into the
 * export id: defaults filled in, filters parsed and normalised, every byte-changing option
 * present, the requester left out. Throws a typed error naming the field to fix.
 */
export function canonicalize(
  request: ExportRequest,
  registry: ExportTypeRegistry,
  now: Date,
): { canonical: CanonicalRequest; type: ResolvedExportType } {
  if (request === null || typeof request !== 'object') {
    throw new ExportkitError(
      'INVALID_REQUEST',
      'An export request is an object with at least `type` and `tenantId`.',
    );
  }
  const type = registry.get(request.type);
  assertTenantId(request.tenantId);
  const format = request.format ?? 'csv';
  if (!type.formats.includes(format)) {
    throw new ExportkitError(
      'UNSUPPORTED_FORMAT',
      `Export type "${type.name}" offers formats ${type.formats.join(', ')}; got ${JSON.stringify(format)}.`,
      { details: { format, supported: type.formats } },
    );
  }
  const compression: Compression = request.compression ?? 'none';
  if (!compressions.includes(compression)) {
    throw new ExportkitError(
      'UNSUPPORTED_FORMAT',
      `Compression is one of ${compressions.join(', ')}; got ${JSON.stringify(compression)}.`,
      {
        details: { compression, supported: compressions },
      },
    );
  }
  const csv = format === 'csv' ? resolveCsvOptions(request.csv) : undefined;
  const maxRowsPerPart =
    csv?.profile === 'spreadsheet'
      ? Math.min(type.maxRowsPerPart, spreadsheetMaxDataRows)
      : type.maxRowsPerPart;
  const canonical: CanonicalRequest = {
    schemaVersion: 1,
    type: type.name,
    typeVersion: type.version,
    tenantId: request.tenantId,
    filters: normalizeFilters(type, request.filters, now),
    format,
    compression,
    columns: selectColumns(type, request.columns),
    ...(csv ? { csv } : {}),
    output: {
      maxRowsPerPart,
      maxBytesPerPart: type.maxBytesPerPart,
      ...(type.maxRows !== undefined ? { maxRows: type.maxRows } : {}),
      ...(type.maxBytes !== undefined ? { maxBytes: type.maxBytes } : {}),
      onLimit: type.onLimit,
      gzipLevel: type.gzipLevel,
    },
  };
  return { canonical, type };
}

function normalizeFilters(
  type: ResolvedExportType,
  raw: unknown,
  now: Date,
): Record<string, unknown> {
  const input = raw ?? {};
  const { parseFilters, normalize } = type.definition;
  let filters: Record<string, unknown>;
  try {
    filters = parseFilters ? parseFilters(input) : defaultParse(input);
  } catch (error) {
    if (error instanceof ExportkitError) throw error;
    throw new ExportkitError(
      'INVALID_FILTERS',
      `Invalid filters for export type "${type.name}": ${messageOf(error)}`,
      {
        cause: error,
        details: { type: type.name },
      },
    );
  }
  const normalized = normalize ? normalize(filters, now) : filters;
  // No database text column holds U+0000 and PostgreSQL's jsonb refuses it, so a job record
  // with one could not even be stored: refuse it here, as bad input.
  if (holdsNul(normalized)) {
    throw new ExportkitError(
      'INVALID_FILTERS',
      `Invalid filters for export type "${type.name}": a value holds a NUL character (U+0000); remove it.`,
      { details: { type: type.name } },
    );
  }
  return normalized;
}

/** True when a string, or a key or string anywhere inside, holds U+0000. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner));
}

function defaultParse(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new Error('filters must be a JSON object');
  }
  return input as Record<string, unknown>;
}

function selectColumns(type: ResolvedExportType, requested: unknown): string[] {
  const offered = type.columns.map((c) => c.name);
  if (requested === undefined) return offered;
  const valid =
    Array.isArray(requested) &&
    requested.length > 0 &&
    requested.every((c) => typeof c === 'string' && offered.includes(c)) &&
    new Set(requested).size === requested.length;
  if (!valid) {
    throw new ExportkitError(
      'UNSUPPORTED_FORMAT',
      `Columns must be a non-empty list of distinct columns of export type "${type.name}": ${offered.join(', ')}.`,
      { details: { columns: requested, supported: offered } },
    );
  }
  return requested as string[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
