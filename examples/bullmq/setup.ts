import { resolve } from 'node:path';
import { BullMQQueue } from '@exportkit/bullmq';
import { defineExportType, ObjectStoreJobStore } from '@exportkit/core';
import { LocalDiskObjectStore } from '@exportkit/local-disk';
import { memoryRowSource } from '@exportkit/memory';

/**
 * What the API process and every worker process share: one Redis queue and one directory.
 * The job records live in the directory too (ObjectStoreJobStore), so no database is needed;
 * in production put the store on S3 (or shared disk) and the records in Postgres.
 */
export interface ExampleSettings {
  redisUrl: string;
  queueName: string;
  dir: string;
  /** Hex secret signing download URLs; the API side needs it, workers do not. */
  secret: string;
  baseUrl: string;
}

/** Reads the settings the launcher passes to worker processes through the environment. */
export function settingsFromEnv(): ExampleSettings {
  return {
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queueName: process.env.EXPORTKIT_QUEUE ?? 'exportkit-example',
    dir: resolve(process.env.EXPORTKIT_DIR ?? 'exports-bullmq'),
    secret: process.env.EXPORTKIT_SECRET ?? '',
    baseUrl: process.env.EXPORTKIT_BASE_URL ?? 'http://127.0.0.1/files',
  };
}

/** The `events` export type: `filters.rows` generated events, the stand-in for a real query. */
export const eventsExport = defineExportType({
  name: 'events',
  columns: [{ name: 'event_id', type: 'number' }, { name: 'kind' }, { name: 'at', type: 'date' }],
  source: memoryRowSource({
    columns: ['event_id', 'kind', 'at'],
    batchSize: 2_000,
    rows: function* (query) {
      const start = Date.UTC(2026, 0, 1);
      for (let id = 1; id <= Number(query.filters.rows); id++) {
        yield [id, ['click', 'view', 'buy'][id % 3], new Date(start + id * 1_000)];
      }
    },
    estimate: (query) => Number(query.filters.rows),
  }),
  parseFilters: (input) => ({ rows: Number((input as { rows?: unknown }).rows ?? 100_000) }),
  parts: { maxRowsPerPart: 50_000 },
});

/** The adapters, built the same way in every process. */
export function adapters(settings: ExampleSettings) {
  const store = new LocalDiskObjectStore({
    root: settings.dir,
    ...(settings.secret
      ? { signing: { secret: Buffer.from(settings.secret, 'hex'), baseUrl: settings.baseUrl } }
      : {}),
  });
  const jobStore = new ObjectStoreJobStore({ store });
  const queue = new BullMQQueue({ connection: settings.redisUrl, name: settings.queueName });
  return { store, jobStore, queue, types: [eventsExport] };
}
