import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Exporter, type ExportTypeDefinition, ExportWorker, type JobRecord } from '@exportkit/core';
import {
  type ApiErrorBody,
  createExpressRouter,
  type ExportHandlersOptions,
  errorBodySchema,
  type Principal,
} from '@exportkit/http';
import { createDownloadHandler, LocalDiskObjectStore } from '@exportkit/local-disk';
import { MemoryJobStore, MemoryQueue, memoryRowSource } from '@exportkit/memory';
import express from 'express';

/** Rows of the `orders` type: `rowCount` rows, `id,customer,total`. */
export const rowCount = 2_500;

const secret = 'http-test-secret-0123456789abcdef0123456789';

/** Options a test may override on the handlers. */
export type HandlerOverrides = Partial<Omit<ExportHandlersOptions, 'exporter'>>;

/** A real Exporter + memory job store and queue + local-disk files + worker, behind Express. */
export interface Stack {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** `${origin}/api/exports`. */
  api: string;
  exporter: Exporter;
  worker: ExportWorker;
  queue: MemoryQueue;
  transitions: { job: JobRecord; from: string | undefined }[];
  /** fetch with `authorization: Bearer tenant:subject`. */
  as(principal: string | undefined, path: string, init?: RequestInit): Promise<Response>;
  /** Runs every queued message through the worker. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The test's principal comes from `authorization: Bearer {tenant}:{subject}` — the shape of a
 * token check, with none of its ceremony.
 */
export function bearerAuth(request: {
  headers: Record<string, string | undefined>;
}): Principal | undefined {
  const match = /^Bearer ([A-Za-z0-9-]+):([A-Za-z0-9-]+)$/.exec(
    request.headers.authorization ?? '',
  );
  return match ? { tenantId: match[1]!, subject: match[2]! } : undefined;
}

/** The export type the tests request; `slow` makes a run take about 1 s, in visible steps. */
export function ordersType(options: { slow?: boolean } = {}): ExportTypeDefinition<never> {
  return {
    name: 'orders',
    columns: ['id', 'customer', 'total'],
    source: memoryRowSource({
      columns: ['id', 'customer', 'total'],
      batchSize: 250,
      estimate: rowCount,
      rows: async function* (query) {
        for (let id = 1; id <= rowCount; id++) {
          if (options.slow && id % 250 === 0) await sleep(100);
          yield [id, `${query.tenantId}-customer-${id % 17}`, `${id}.50`];
        }
      },
    }),
    parts: { maxRowsPerPart: 1_000 },
  } as ExportTypeDefinition<never>;
}

/** Starts the stack on 127.0.0.1:0; the router is mounted at `/api` beside an app route. */
export async function startStack(
  overrides: HandlerOverrides = {},
  typeOptions: { slow?: boolean } = {},
): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'exportkit-http-'));
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const store = new LocalDiskObjectStore({
    root: dir,
    signing: { secret, baseUrl: `${origin}/files` },
  });
  const jobStore = new MemoryJobStore();
  const queue = new MemoryQueue();
  const types = [ordersType(typeOptions)];
  const transitions: Stack['transitions'] = [];
  const onTransition = (event: { job: JobRecord; from: string | undefined }) =>
    transitions.push(event);
  const exporter = new Exporter({ jobStore, queue, store, types, onTransition });
  const worker = new ExportWorker({
    jobStore,
    queue,
    store,
    types,
    leaseMs: 900,
    progressIntervalMs: 100,
    onTransition,
    logger: quietLogger,
  });

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    '/api',
    createExpressRouter({ exporter, authenticate: bearerAuth, onError: () => {}, ...overrides }),
  );
  app.use('/files', createDownloadHandler(store, { secret, basePath: '/files' }));

  const drain = async () => {
    for (;;) {
      const messages = await queue.receive({ maxMessages: 10, visibilityTimeoutMs: 10_000 });
      if (messages.length === 0) return;
      for (const message of messages) await worker.processMessage(message);
    }
  };
  return {
    origin,
    api: `${origin}/api/exports`,
    exporter,
    worker,
    queue,
    transitions,
    as: (principal, path, init = {}) =>
      fetch(`${origin}${path}`, {
        redirect: 'manual',
        ...init,
        headers: {
          ...(principal ? { authorization: `Bearer ${principal}` } : {}),
          ...(init.headers as Record<string, string>),
        },
      }),
    drain,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON POST body. */
export function postJson(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The `error` member of an error response, checked against the documented schema. */
export async function errorOf(response: Response): Promise<ApiErrorBody['error']> {
  return errorBodySchema.parse(await response.json()).error as ApiErrorBody['error'];
}
