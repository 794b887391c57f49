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
  const url = await store.signedUrl(part.key, {
    expiresInMs: type.urlTtlMs,
    downloadName: fileName,
  });
  return {
    part: part.index,
    url,
    expiresAt: new Date(now.getTime() + type.urlTtlMs).toISOString(),
    rows: part.rows,
    bytes: part.bytes,
    sha256: part.sha256,
    fileName,
  };
}
