import {
  Exporter,
  type ExportTypeDefinition,
  ExportWorker,
  type Manifest,
  type ObjectStore,
} from '@exportkit/core';
import { MemoryJobStore, MemoryQueue } from '@exportkit/memory';
import { timed, trackPeakRss } from './report.js';

/** What one measured export took. */
export interface MeasuredExport {
  seconds: number;
  /** Peak RSS of this process while the worker ran, in MB. */
  peakMb: number;
  manifest: Manifest;
}

/**
 * Runs one CSV export of `type` through the whole worker (claim, encoder, parts, sha256,
 * manifest, commit) into `store`, over the memory queue and job store, and checks that it
 * wrote `expectedRows` rows. The time covers the worker's run only, not the request.
 */
export async function measureExport(
  store: ObjectStore,
  type: ExportTypeDefinition,
  expectedRows: number,
): Promise<MeasuredExport> {
  const jobStore = new MemoryJobStore();
  const queue = new MemoryQueue();
  const types = [type];
  const exporter = new Exporter({ jobStore, queue, store, types });
  const worker = new ExportWorker({ jobStore, queue, store, types, leaseMs: 600_000 });
  global.gc?.();
  const rss = trackPeakRss();
  const { export: job } = await exporter.request({
    type: type.name,
    tenantId: 'bench',
    format: 'csv',
  });
  const seconds = await timed(async () => {
    const [message] = await queue.receive({ visibilityTimeoutMs: 600_000 });
    const result = message && (await worker.processMessage(message));
    if (result?.outcome !== 'succeeded')
      throw new Error(`export did not succeed: ${result?.outcome}`);
  });
  const peakMb = rss.stop();
  const manifest = await exporter.manifest('bench', job.exportId);
  if (manifest.totals.rows !== expectedRows) {
    throw new Error(`expected ${expectedRows} rows, got ${manifest.totals.rows}`);
  }
  return { seconds, peakMb, manifest };
}
