// One worker process: `node --import tsx examples/postgres-worker/worker.ts` with the settings in
// the environment (see setup.ts). Runs EXPORTKIT_CONCURRENCY exports at a time until SIGTERM or
// Ctrl-C, then stops gracefully: exports in flight get 10 s to finish and are otherwise handed
// back to the queue for another worker.
import { ExportWorker } from '@exportkit/core';
import { adapters, settingsFromEnv } from './setup.js';

const { pool, store, jobStore, queue, types } = adapters(settingsFromEnv());
const worker = new ExportWorker({
  store,
  jobStore,
  queue,
  types,
  leaseMs: 15_000,
  heartbeatMs: 500,
  shutdownTimeoutMs: 10_000,
});
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
const concurrency = Number(process.env.EXPORTKIT_CONCURRENCY ?? 2);
console.log(`[worker ${process.pid}] polling the Postgres queue, ${concurrency} at a time`);
await worker.run({ concurrency, signal: stop.signal, pollWaitMs: 5_000 });
await queue.close();
await pool.end();
console.log(`[worker ${process.pid}] stopped`);
