import type { ExportTypeRegistry } from './export-types.js';
import type { JobRecord } from './job.js';
import { storeTransition, type TransitionListener } from './job-transition.js';
import { exportPrefix } from './keys.js';
import type { JobStore } from './ports/job-store.js';
import type { ObjectStore } from './ports/object-store.js';

/** What one `cleanup()` pass did. */
export interface CleanupReport {
  /** Succeeded exports moved to `expired`. */
  expired: number;
  /** Objects deleted (parts and manifests of expired exports, and of superseded or crashed runs). */
  deletedObjects: number;
}

interface CleanupOptions {
  jobStore: JobStore;
  store: ObjectStore;
  prefix: string;
  registry: ExportTypeRegistry;
  now: Date;
  onTransition?: TransitionListener;
}

/**
 * One maintenance pass over every job: expire succeeded exports past retention and delete their
 * files; for the rest, delete files of runs other than the current one once they are older than
 * the type's URL lifetime (so no link handed out still points at them).
 */
export async function cleanupExports(options: CleanupOptions): Promise<CleanupReport> {
  const report: CleanupReport = { expired: 0, deletedObjects: 0 };
  let cursor: string | undefined;
  do {
    const page = await options.jobStore.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) await cleanupJob(job, options, report);
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}

async function cleanupJob(
  job: JobRecord,
  options: CleanupOptions,
  report: CleanupReport,
): Promise<void> {
  const { store, now } = options;
  const type = options.registry.all().find((t) => t.name === job.type);
  if (!type) return;
  const folder = exportPrefix(options.prefix, job.tenantId, job.exportId);
  const finished = job.finishedAt ? Date.parse(job.finishedAt) : Number.POSITIVE_INFINITY;
  if (job.status === 'succeeded' && finished + type.retentionMs <= now.getTime()) {
    const expired = await storeTransition(
      options.jobStore,
      job,
      'expired',
      {},
      now,
      options.onTransition,
    );
    if (!expired) return;
    report.expired++;
    report.deletedObjects += await deleteWhere(store, folder, () => true);
    return;
  }
  // Only a running or succeeded job's run is still wanted; a failed or cancelled run's parts
  // are garbage (they never had a committed manifest), as are crashed and superseded runs.
  const current = job.status === 'running' || job.status === 'succeeded';
  const keep = current && job.runId ? `${folder}${job.runId}/` : undefined;
  const staleBefore = now.getTime() - type.urlTtlMs;
  // A run superseded by a restart may have had URLs minted until the restart (`createdAt`),
  // each valid for `urlTtlMs`: its files stay until the last of them has expired.
  if (Date.parse(job.createdAt) >= staleBefore) return;
  report.deletedObjects += await deleteWhere(
    store,
    folder,
    (key, modified) => (keep === undefined || !key.startsWith(keep)) && modified < staleBefore,
  );
}

async function deleteWhere(
  store: ObjectStore,
  prefix: string,
  doomed: (key: string, modified: number) => boolean,
): Promise<number> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) {
    if (doomed(info.key, info.lastModified.getTime())) keys.push(info.key);
  }
  if (keys.length > 0) await store.delete(keys);
  return keys.length;
}
