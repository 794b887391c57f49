import { ExportkitError } from './errors.js';
import type { ExportTypeDefinition } from './export-type.js';
import type { Column } from './ports/row-source.js';
import { type ExportFormat, exportFormats } from './request.js';

const hour = 3_600_000;

/** An export type with every default filled in and every option checked. */
export interface ResolvedExportType {
  definition: ExportTypeDefinition;
  name: string;
  version: string;
  columns: readonly Column[];
  formats: readonly ExportFormat[];
  maxRowsPerPart: number;
  maxBytesPerPart: number;
  gzipLevel: number;
  maxRows: number | undefined;
  maxBytes: number | undefined;
  maxDurationMs: number | undefined;
  onLimit: 'fail' | 'truncate';
  maxAgeMs: number;
  urlTtlMs: number;
  retentionMs: number;
}

/**
 * The export types a service offers, by name. Both the Exporter and the worker build one from
 * the same definitions, so both sides agree on defaults.
 */
export class ExportTypeRegistry {
  readonly #types = new Map<string, ResolvedExportType>();

  constructor(definitions: readonly ExportTypeDefinition[]) {
    if (definitions.length === 0) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] Register at least one export type (the `types` option).',
      );
    }
    for (const definition of definitions) {
      if (this.#types.has(definition.name)) {
        throw new ExportkitError(
          'INVALID_CONFIG',
          `[exportkit] Export type "${definition.name}" is registered twice.`,
        );
      }
      this.#types.set(definition.name, resolve(definition));
    }
  }

  /** The type, or `UNKNOWN_EXPORT_TYPE` naming the types on offer. */
  get(name: unknown): ResolvedExportType {
    const type = typeof name === 'string' ? this.#types.get(name) : undefined;
    if (!type) {
      throw new ExportkitError(
        'UNKNOWN_EXPORT_TYPE',
        `Unknown export type ${JSON.stringify(name)}; known types: ${[...this.#types.keys()].join(', ')}.`,
        { details: { type: name, known: [...this.#types.keys()] } },
      );
    }
    return type;
  }

  /** Every registered type. */
  all(): ResolvedExportType[] {
    return [...this.#types.values()];
  }
}

function resolve(definition: ExportTypeDefinition): ResolvedExportType {
  const name = definition.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] Export type name ${JSON.stringify(name)} must be 1-64 letters, digits, ".", "_" or "-".`,
    );
  }
  const columns = definition.columns.map((c) => (typeof c === 'string' ? { name: c } : c));
  if (columns.length === 0 || new Set(columns.map((c) => c.name)).size !== columns.length) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] Export type "${name}" needs a non-empty list of distinct columns.`,
    );
  }
  const formats = definition.formats ?? exportFormats;
  for (const format of formats) {
    if (!exportFormats.includes(format)) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] Export type "${name}" lists unknown format "${format}".`,
      );
    }
  }
  const limits = definition.limits ?? {};
  return {
    definition,
    name,
    version: definition.version ?? '1',
    columns,
    formats,
    maxRowsPerPart: positive(
      name,
      'parts.maxRowsPerPart',
      definition.parts?.maxRowsPerPart ?? 1_000_000,
    ),
    maxBytesPerPart: positive(
      name,
      'parts.maxBytesPerPart',
      definition.parts?.maxBytesPerPart ?? 256 * 1024 * 1024,
    ),
    gzipLevel: gzipLevel(name, definition.parts?.gzipLevel ?? 1),
    maxRows: optionalPositive(name, 'limits.maxRows', limits.maxRows),
    maxBytes: optionalPositive(name, 'limits.maxBytes', limits.maxBytes),
    maxDurationMs: optionalPositive(name, 'limits.maxDurationMs', limits.maxDurationMs),
    onLimit: limits.onLimit ?? 'fail',
    maxAgeMs: positive(name, 'maxAgeMs', definition.maxAgeMs ?? 24 * hour),
    urlTtlMs: positive(name, 'urlTtlMs', definition.urlTtlMs ?? hour),
    retentionMs: positive(name, 'retentionMs', definition.retentionMs ?? 7 * 24 * hour),
  };
}

function positive(type: string, option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] Export type "${type}": ${option} must be a positive integer, got ${value}.`,
    );
  }
  return value;
}

function optionalPositive(
  type: string,
  option: string,
  value: number | undefined,
): number | undefined {
  return value === undefined ? undefined : positive(type, option, value);
}

function gzipLevel(type: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 9) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] Export type "${type}": parts.gzipLevel must be 1 to 9, got ${value}.`,
    );
  }
  return value;
}
