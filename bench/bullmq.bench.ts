// 500 small exports (20 rows each) through the BullMQ queue with 4 workers, beside the same 500
// through the memory queue with 4 workers, in the same run. Everything else is in memory (job
// store, object store, rows), so the figures compare the queues: jobs/s from the first request
// to the last commit. Needs Redis: REDIS_URL, default redis://127.0.0.1:6379.
import { randomUUID } from 'node:crypto';
import { BullMQQueue } from '@exportkit/bullmq';
import { defineExportType, Exporter, ExportWorker, type Queue } from '@exportkit/core';
import { MemoryJobStore, MemoryObjectStore, MemoryQueue, memoryRowSource } from '@exportkit/memory';
import { emit, timed } from './lib/report.js';

const exportsPerRun = Number(process.env.BENCH_EXPORTS ?? 500);
const workerCount = 4;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const smallExport = defineExportType({
  name: 'small',
  columns: ['id', 'label'],
  source: memoryRowSource({
    columns: ['id', 'label'],
    rows: (query) =>
      Array.from({ length: 20 }, (_, i) => [
        i + 1,
        `export-${String(query.filters.n)}-row-${i + 1}`,
      ]),
  }),
  parseFilters: (input) => ({ n: Number((input as { n?: unknown }).n) }),
});
const quiet = {
  debug() {},
  info() {},
  warn() {},
  error: (message: string) => console.error(message),
};

/** Requests `count` distinct exports and resolves once 4 workers have committed them all. */
async function exportsPerSecond(
  count: number,
  queues: { api: Queue; workers: Queue[] },
): Promise<number> {
  const store = new MemoryObjectStore();
  const jobStore = new MemoryJobStore();
  const types = [smallExport];
  const exporter = new Exporter({ store, jobStore, queue: queues.api, types });
  let succeeded = 0;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const stop = new AbortController();
  const running = queues.workers.map((queue) =>
    new ExportWorker({
      store,
      jobStore,
      queue,
      types,
      logger: quiet,
      onTransition: ({ job }) => {
        if (job.status === 'succeeded' && ++succeeded === count) allDone();
      },
    }).run({ concurrency: 1, signal: stop.signal, pollWaitMs: 1_000 }),
  );
  const seconds = await timed(async () => {
    for (let n = 0; n < count; n++)
      await exporter.request({ type: 'small', tenantId: 'bench', filters: { n } });
    await done;
  });
  stop.abort();
  await Promise.all(running);
  return count / seconds;
}

function memoryQueues(): { api: Queue; workers: Queue[] } {
  const queue = new MemoryQueue();
  return { api: queue, workers: Array.from({ length: workerCount }, () => queue) };
}

/** One BullMQQueue per worker, as separate processes would have, plus one for the API side. */
async function withBullQueues<T>(
  run: (queues: { api: BullMQQueue; workers: BullMQQueue[] }) => Promise<T>,
): Promise<T> {
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const make = () => new BullMQQueue({ connection: redisUrl, name });
  const queues = { api: make(), workers: Array.from({ length: workerCount }, make) };
  try {
    return await run(queues);
  } finally {
    await queues.api.bullQueue.obliterate({ force: true });
    for (const queue of [queues.api, ...queues.workers]) await queue.close();
  }
}

// Warm-up: JIT, connections, BullMQ's Lua scripts loaded into Redis.
await exportsPerSecond(20, memoryQueues());
await withBullQueues((queues) => exportsPerSecond(20, queues));

const baseline = await exportsPerSecond(exportsPerRun, memoryQueues());
const ours = await withBullQueues((queues) => exportsPerSecond(exportsPerRun, queues));
emit({
  name: `${exportsPerRun} small exports, ${workerCount} workers: BullMQ queue (Redis) vs memory queue`,
  ours: Math.round(ours),
  baseline: Math.round(baseline),
  ratio: Math.round((ours / baseline) * 100) / 100,
  unit: 'jobs/s',
});
