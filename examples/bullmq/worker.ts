// One worker process: `node --import tsx examples/bullmq/worker.ts` with the settings in the
// environment (see setup.ts). Runs two exports at a time until SIGTERM or Ctrl-C, then stops
// gracefully: exports in flight get 10 s to finish and are otherwise handed back to the queue.
import { ExportWorker } from '@exportkit/core';
import { adapters, settingsFromEnv } from './setup.js';

const { store, jobStore, queue, types } = adapters(settingsFromEnv());
const worker = new ExportWorker({
  store,
  jobStore,
  queue,
  types,
  leaseMs: 15_000,
  // Publish progress twice a second so the API side sees it move.
  heartbeatMs: 500,
  shutdownTimeoutMs: 10_000,
});
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
console.log(`[worker ${process.pid}] polling ${queue.bullQueue.name}`);
await worker.run({ concurrency: 2, signal: stop.signal });
await queue.close();
console.log(`[worker ${process.pid}] stopped`);
