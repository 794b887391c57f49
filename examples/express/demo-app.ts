import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Exporter, ExportWorker, type JobStore, type ObjectStore } from '@exportkit/core';
import { createExpressRouter } from '@exportkit/http';
import { createDownloadHandler, LocalDiskObjectStore } from '@exportkit/local-disk';
import { MemoryJobStore, MemoryQueue } from '@exportkit/memory';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ordersExport } from './orders-export.js';

/** Options for {@link startDemo}. */
export interface DemoOptions {
  /** Where export files are written when no `store` is given. */
  dataDir: string;
  /** Job records. @defaultValue a `MemoryJobStore` */
  jobStore?: JobStore;
  /**
   * Export files, e.g. an `S3ObjectStore` (its signed URLs point at S3). @defaultValue a
   * `LocalDiskObjectStore` under `dataDir`, its signed URLs served by this app at `/downloads`
   */
  store?: ObjectStore;
  /** @defaultValue `0` (any free port) */
  port?: number;
  /** @defaultValue `30_000` */
  rowCount?: number;
  /** Pause after every 500 rows, so progress is visible. @defaultValue `40` */
  pauseMs?: number;
}

/** A user of the existing app, as its session middleware finds it. */
interface User {
  name: string;
  org: string;
}

/**
 * An "existing" Express app — its own session cookie, its own routes — that mounts the export
 * endpoints at `/api/exports` and serves local-disk signed URLs at `/downloads`, with a memory job
 * store and queue (or the stores you pass) and an in-process worker.
 */
export async function startDemo(
  options: DemoOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The export side: ports, exporter, worker.
  const secret = randomBytes(32);
  const localDisk = options.store
    ? undefined
    : new LocalDiskObjectStore({
        root: options.dataDir,
        signing: { secret, baseUrl: `${url}/downloads` },
      });
  const store = options.store ?? localDisk!;
  const jobStore = options.jobStore ?? new MemoryJobStore();
  const queue = new MemoryQueue();
  const types = [ordersExport(options.rowCount ?? 30_000, options.pauseMs ?? 40)];
  const exporter = new Exporter({ jobStore, queue, store, types });
  const worker = new ExportWorker({
    jobStore,
    queue,
    store,
    types,
    leaseMs: 1_500,
    progressIntervalMs: 200,
  });
  const stopWorker = new AbortController();
  const workerStopped = worker.run({ signal: stopWorker.signal, pollWaitMs: 100 });

  // The existing app: a session cookie that signs every visitor in as a demo user.
  const sessions = new Map<string, User>();
  app.use((req: Request & { user?: User }, res: Response, next: NextFunction) => {
    let sid = /(?:^|;\s*)sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!sid || !sessions.has(sid)) {
      sid = randomUUID();
      sessions.set(sid, { name: 'Alice', org: 'acme' });
      res.setHeader('set-cookie', `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    }
    req.user = sessions.get(sid);
    next();
  });

  // The export endpoints, before the app's JSON parser: they read and cap the body themselves.
  app.use(
    '/api',
    createExpressRouter({
      exporter,
      authenticate: (request) => {
        const user = (request.raw as { user?: User }).user;
        return user ? { tenantId: user.org, subject: user.name } : undefined;
      },
    }),
  );
  app.use(express.json());
  app.get('/api/me', (req: Request & { user?: User }, res: Response) => {
    res.json(req.user);
  });
  if (localDisk)
    app.use('/downloads', createDownloadHandler(localDisk, { secret, basePath: '/downloads' }));
  app.use(express.static(fileURLToPath(new URL('./public', import.meta.url))));

  return {
    url,
    close: async () => {
      stopWorker.abort();
      await workerStopped;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
