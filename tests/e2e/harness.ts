import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  Exporter,
  type ExporterOptions,
  type ExportTypeDefinition,
  type ExportView,
  ExportWorker,
  type ExportWorkerOptions,
  type JobStore,
  type ObjectStore,
} from '@exportkit/core';
import { createDownloadHandler, LocalDiskObjectStore } from '@exportkit/local-disk';
import { MemoryJobStore, MemoryQueue } from '@exportkit/memory';

/** Everything an end-to-end test needs: real temp dir, real HTTP server for downloads. */
export interface Harness {
  store: LocalDiskObjectStore;
  jobStore: JobStore;
  queue: MemoryQueue;
  exporter: Exporter;
  worker: ExportWorker;
  root: string;
  /** A second worker over the same adapters (a second process, as far as the job is concerned). */
  newWorker(options?: Partial<ExportWorkerOptions>): ExportWorker;
  /** Receives one message and processes it with `worker` (the harness worker by default). */
  processNext(worker?: ExportWorker): Promise<string>;
  /** Polls status until the export leaves queued/running. */
  waitFinished(tenantId: string, exportId: string): Promise<ExportView>;
  /** Downloads every part through its signed URL, gunzipping `.gz` parts. */
  downloadAll(view: ExportView): Promise<string[]>;
  close(): Promise<void>;
}

/** Options: the export types and overrides for the exporter and worker. */
export interface HarnessOptions {
  types: ExportTypeDefinition[];
  exporter?: Partial<ExporterOptions>;
  worker?: Partial<ExportWorkerOptions>;
  jobStore?: (store: ObjectStore) => JobStore;
}

/** Builds a fresh harness on a new temp dir. */
export async function createHarness(options: HarnessOptions): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'exportkit-e2e-'));
  const secret = randomBytes(32);
  let handler: RequestListener | undefined;
  const server: Server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
  const store = new LocalDiskObjectStore({ root, signing: { secret, baseUrl } });
  handler = createDownloadHandler(store, { secret, basePath: '/files' });
  const jobStore = options.jobStore ? options.jobStore(store) : new MemoryJobStore();
  const queue = new MemoryQueue({ maxReceives: 5 });
  const quiet = { info() {}, warn() {}, error() {} };
  const newWorker = (overrides: Partial<ExportWorkerOptions> = {}) =>
    new ExportWorker({
      jobStore,
      queue,
      store,
      types: options.types,
      logger: quiet,
      ...options.worker,
      ...overrides,
    });
  const worker = newWorker();
  const exporter = new Exporter({
    jobStore,
    queue,
    store,
    types: options.types,
    ...options.exporter,
  });

  return {
    store,
    jobStore,
    queue,
    exporter,
    worker,
    root,
    newWorker,
    async processNext(by = worker) {
      const [message] = await queue.receive({ visibilityTimeoutMs: 30_000 });
      if (!message) throw new Error('queue is empty');
      const result = await by.processMessage(message);
      return result.outcome;
    },
    async waitFinished(tenantId, exportId) {
      for (;;) {
        const view = await exporter.status(tenantId, exportId);
        if (view.status !== 'queued' && view.status !== 'running') return view;
        await new Promise((done) => setTimeout(done, 20));
      }
    },
    async downloadAll(view) {
      const texts: string[] = [];
      for (const file of view.files ?? []) {
        const response = await fetch(file.url);
        if (response.status !== 200)
          throw new Error(`download of part ${file.part} answered ${response.status}`);
        const body = Buffer.from(await response.arrayBuffer());
        texts.push((file.fileName.endsWith('.gz') ? gunzipSync(body) : body).toString('utf8'));
      }
      return texts;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await rm(root, { recursive: true, force: true });
    },
  };
}
