import { asStorageError } from '../errors.js';
import type { ResolvedExportType } from '../export-types.js';
import type { JobRecord } from '../job.js';
import { runPrefix } from '../keys.js';
import type { Manifest } from '../manifest.js';
import { PartWriter } from '../parts/part-writer.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Column, SourceQuery } from '../ports/row-source.js';
import {
  contentType,
  createRowEncoder,
  fileExtension,
  serializationRules,
} from '../writers/index.js';
import { RunLimits, type Truncation } from './limits.js';
import { writeEncoded } from './write-encoded.js';
import { writeRows } from './write-rows.js';

/** What one run needs to write its parts and manifest. */
export interface WriteExportOptions {
  job: JobRecord & { runId: string };
  type: ResolvedExportType;
  store: ObjectStore;
  prefix: string;
  signal: AbortSignal;
  /** Called once the output is open, so the heartbeat can read live counters. */
  onOpen(out: PartWriter): void;
  /** Called after the last part, before the manifest: throws when the run no longer owns the job. */
  beforeManifest(): Promise<void>;
}

/**
 * Streams one run from the row source into parts under the run's own folder, then writes the
 * manifest there: the commit point. Returns the manifest and its key. On any error the part in
 * progress is abandoned, and parts already written stay invisible (no manifest names them).
 */
export async function writeExport(
  options: WriteExportOptions,
): Promise<{ manifest: Manifest; manifestKey: string }> {
  const { job, type, store, signal } = options;
  const request = job.request;
  const startedAt = new Date();
  const query = sourceQuery(job, type);
  const csv = request.csv;
  const source = type.definition.source;
  const canEncode =
    csv !== undefined &&
    csv.profile === 'rfc4180' &&
    !type.definition.transform &&
    source.openEncoded;
  const encoded = canEncode
    ? await source.openEncoded?.(query, {
        format: 'csv',
        csv: { delimiter: csv.delimiter, lineEnding: csv.lineEnding },
        signal,
      })
    : undefined;
  const rows = encoded ? undefined : await source.open(query, { signal });
  const columns = (encoded ?? rows)?.columns ?? [];
  const encoder = createRowEncoder(request.format, columns, csv ? { csv } : {});
  const prefix = runPrefix(options.prefix, job.tenantId, job.exportId, job.runId);
  const gzip = request.compression === 'gzip';
  const out = new PartWriter({
    store,
    runPrefix: prefix,
    extension: fileExtension(request.format, request.compression),
    contentType: contentType(request.format, request.compression),
    gzipLevel: gzip ? request.output.gzipLevel : undefined,
    partStart: encoder.partStart,
    partEnd: encoder.partEnd,
    maxRowsPerPart: request.output.maxRowsPerPart,
    maxBytesPerPart: request.output.maxBytesPerPart,
    signal,
  });
  options.onOpen(out);
  const limits = new RunLimits(type, startedAt.getTime());
  let truncated: Truncation | undefined;
  try {
    truncated = encoded
      ? await writeEncoded(encoded, out, limits, signal)
      : await writeRows(
          rows as NonNullable<typeof rows>,
          encoder,
          out,
          limits,
          signal,
          type.definition.transform,
        );
    await out.finish();
  } catch (error) {
    await out.abort(error);
    throw error;
  }
  await options.beforeManifest();
  const manifest = buildManifest(
    options,
    columns,
    out,
    startedAt,
    truncated,
    encoded ? 'encoded' : 'rows',
  );
  const manifestKey = `${prefix}manifest.json`;
  await store
    .put(manifestKey, `${JSON.stringify(manifest, null, 2)}\n`, {
      contentType: 'application/json',
      signal,
    })
    .catch((error: unknown) => {
      throw asStorageError(store.name, `store manifest ${manifestKey}`, error);
    });
  return { manifest, manifestKey };
}

/** What the row source reads for a job: its canonical filters and columns, and the row limit. */
export function sourceQuery(job: JobRecord, type: ResolvedExportType): SourceQuery {
  return {
    tenantId: job.tenantId,
    type: job.type,
    filters: job.request.filters,
    columns: job.request.columns,
    // One row past the limit tells "exactly at the limit" from "over it".
    ...(type.maxRows !== undefined ? { maxRows: type.maxRows + 1 } : {}),
  };
}

function buildManifest(
  options: WriteExportOptions,
  columns: readonly Column[],
  out: PartWriter,
  startedAt: Date,
  truncated: Truncation | undefined,
  path: Manifest['path'],
): Manifest {
  const { job } = options;
  const request = job.request;
  return {
    manifestVersion: 1,
    exportId: job.exportId,
    runId: job.runId,
    tenantId: job.tenantId,
    type: job.type,
    format: request.format,
    compression: request.compression,
    ...(request.csv ? { csv: request.csv } : {}),
    columns: [...columns],
    serialization: serializationRules(request.format),
    parts: out.parts,
    totals: {
      rows: out.rows,
      bytes: out.parts.reduce((sum, part) => sum + part.bytes, 0),
      parts: out.parts.length,
    },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ...(truncated ? { truncated } : {}),
    path,
  };
}
