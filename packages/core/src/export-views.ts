import type { ResolvedExportType } from './export-types.js';
import type { ExportFile, ExportView } from './export-view.js';
import type { JobRecord } from './job.js';
import type { Manifest } from './manifest.js';
import type { ObjectStore } from './ports/object-store.js';
import { fileExtension } from './writers/index.js';

/** The caller-facing view of a job record, without download links. */
export function toView(job: JobRecord): ExportView {
  const view: ExportView = {
    exportId: job.exportId,
    tenantId: job.tenantId,
    type: job.type,
    status: job.status,
    format: job.request.format,
    compression: job.request.compression,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
  if (job.requestedBy !== undefined) view.requestedBy = job.requestedBy;
  if (job.startedAt !== undefined) view.startedAt = job.startedAt;
  if (job.finishedAt !== undefined) view.finishedAt = job.finishedAt;
  if (job.progress && (job.status === 'queued' || job.status === 'running'))
    view.progress = job.progress;
  if (job.error && job.status === 'failed') view.error = job.error;
  if (job.result && job.status === 'succeeded') {
    const { manifestKey: _key, ...result } = job.result;
    view.result = result;
  }
  return view;
}

/** A URL minted in the last second of retention still gets this long. */
const minUrlMs = 1000;

/**
 * How long a URL minted `now` lives: `urlTtlMs`, but never past the end of the export's
 * retention, when cleanup deletes its files (and at least {@link minUrlMs}).
 */
function urlLifetime(job: JobRecord, type: ResolvedExportType, now: Date): number {
  const finished = job.finishedAt ? Date.parse(job.finishedAt) : now.getTime();
  const retained = finished + type.retentionMs - now.getTime();
  return Math.max(minUrlMs, Math.min(type.urlTtlMs, retained));
}

/** One signed URL for one part of a manifest, minted now. */
export async function signPart(
  store: ObjectStore,
  job: JobRecord,
  type: ResolvedExportType,
  manifest: Manifest,
  part: Manifest['parts'][number],
  now: Date,
): Promise<ExportFile> {
  const extension = fileExtension(manifest.format, manifest.compression);
  const fileName = type.definition.downloadName
    ? type.definition.downloadName(job, part.index, extension)
    : `${job.type}-${job.exportId.slice(0, 8)}-part-${part.index}.${extension}`;
  const lifetime = urlLifetime(job, type, now);
  const url = await store.signedUrl(part.key, { expiresInMs: lifetime, downloadName: fileName });
  return {
    part: part.index,
    url,
    expiresAt: new Date(now.getTime() + lifetime).toISOString(),
    rows: part.rows,
    bytes: part.bytes,
    sha256: part.sha256,
    fileName,
  };
}
