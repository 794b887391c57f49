import {
  Exporter,
  type ExportFormat,
  type ExportTypeDefinition,
  ExportWorker,
  type Manifest,
  type ObjectStore,
} from '@exportkit/core';
import { MemoryJobStore, MemoryQueue } from '@exportkit/memory';
import { timed } from './report.js';
import { trackUsage, type Usage } from './usage.js';

/** What one measured export took, and this process's usage while the worker ran. */
export interface MeasuredExport extends Usage {
  seconds: number;
  /** `performance.now()` when the timed run started; it ended `seconds` later. */
  startedAt: number;
  manifest: Manifest;
}

/**
 * Rows exported once, untimed, before the first measured run: a worker is a long-lived
 * process, so its steady state is what users get, not V8's first compile of the row path
 * (which cost the cursor path up to a quarter of its rate in a fresh process).
 */
const warmupRows = 100_000;

/**
 * Warms the worker up with one untimed export of the first {@link warmupRows} rows of `type`,
 * and returns a function that runs one measured export of `type` (CSV unless `format` says
 * otherwise) through the whole worker (claim, encoder, parts, sha256, manifest, commit) into
 * `store`, and checks that it wrote `expectedRows` rows. The time covers the worker's run
 * only, not the request. Each run has a fresh memory queue and job store, so it is a new
 * export, not a cache hit; the store keeps every run's parts.
 */
export async function exportRunner(
  store: ObjectStore,
  type: ExportTypeDefinition,
  expectedRows: number,
  format: ExportFormat = 'csv',
): Promise<() => Promise<MeasuredExport>> {
  const warmup: ExportTypeDefinition = {
    ...type,
    name: `${type.name}-warmup`,
    limits: { maxRows: warmupRows, onLimit: 'truncate' },
  };
  const types = [type, warmup];
  const run = async (
    name: string,
  ): Promise<{ seconds: number; startedAt: number; manifest: Manifest }> => {
    const jobStore = new MemoryJobStore();
    const queue = new MemoryQueue();
    const exporter = new Exporter({ jobStore, queue, store, types });
    const worker = new ExportWorker({ jobStore, queue, store, types, leaseMs: 600_000 });
    const { export: job } = await exporter.request({ type: name, tenantId: 'bench', format });
    const startedAt = performance.now();
    const seconds = await timed(async () => {
      const [message] = await queue.receive({ visibilityTimeoutMs: 600_000 });
      const result = message && (await worker.processMessage(message));
      if (result?.outcome !== 'succeeded') {
        const record = await jobStore.get({ tenantId: 'bench', exportId: job.exportId });
        throw new Error(
          `export did not succeed: ${result?.outcome} ${JSON.stringify(record?.error)}`,
        );
      }
    });
    return { seconds, startedAt, manifest: await exporter.manifest('bench', job.exportId) };
  };
  await run(warmup.name);
  return async () => {
    global.gc?.();
    const usage = trackUsage();
    const measured = await run(type.name);
    const used = usage.stop();
    if (measured.manifest.totals.rows !== expectedRows) {
      throw new Error(`expected ${expectedRows} rows, got ${measured.manifest.totals.rows}`);
    }
    return { ...measured, ...used };
  };
}
