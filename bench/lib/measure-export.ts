import {
  Exporter,
  type ExportFormat,
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
 * Rows exported once, untimed, before the measured run: a worker is a long-lived process, so
 * its steady state is what users get, not V8's first compile of the row path (which cost the
 * cursor path up to a quarter of its rate in a fresh process).
 */
const warmupRows = 100_000;

/**
 * Runs one export of `type` (CSV unless `format` says otherwise) through the whole worker
 * (claim, encoder, parts, sha256, manifest, commit) into `store`, over the memory queue and job store, and checks that it
 * wrote `expectedRows` rows. The time covers the worker's run only, not the request. A
 * warm-up export of the first {@link warmupRows} rows runs first, untimed.
 */
export async function measureExport(
  store: ObjectStore,
  type: ExportTypeDefinition,
  expectedRows: number,
  format: ExportFormat = 'csv',
): Promise<MeasuredExport> {
  const jobStore = new MemoryJobStore();
  const queue = new MemoryQueue();
  const warmup: ExportTypeDefinition = {
    ...type,
    name: `${type.name}-warmup`,
    limits: { maxRows: warmupRows, onLimit: 'truncate' },
  };
  const types = [type, warmup];
  const exporter = new Exporter({ jobStore, queue, store, types });
  const worker = new ExportWorker({ jobStore, queue, store, types, leaseMs: 600_000 });
  const run = async (name: string) => {
    const { export: job } = await exporter.request({
      type: name,
      tenantId: 'bench',
      format,
    });
    const seconds = await timed(async () => {
      const [message] = await queue.receive({ visibilityTimeoutMs: 600_000 });
      const result = message && (await worker.processMessage(message));
      if (result?.outcome !== 'succeeded')
        throw new Error(`export did not succeed: ${result?.outcome}`);
    });
    return { job, seconds };
  };
  await run(warmup.name);
  global.gc?.();
  const rss = trackPeakRss();
  const { job, seconds } = await run(type.name);
  const peakMb = rss.stop();
  const manifest = await exporter.manifest('bench', job.exportId);
  if (manifest.totals.rows !== expectedRows) {
    throw new Error(`expected ${expectedRows} rows, got ${manifest.totals.rows}`);
  }
  return { seconds, peakMb, manifest };
}
