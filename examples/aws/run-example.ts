import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExportView } from '@exportkit/core';
import { runEventSource } from './lambda-event-source.js';
import { startLocalAws } from './local-aws.js';
import { ordersExport } from './orders.js';
import { createApi, createRunner } from './wiring.js';

/** Options for {@link runAwsExample}. */
export interface AwsExampleOptions {
  /** Rows to export. @defaultValue `250_000` */
  rows?: number;
  /** `'lambda'`: the SQS Lambda handler fed by a local event source; `'worker'`: a long-running poll loop. @defaultValue `'lambda'` */
  runner?: 'lambda' | 'worker';
  /** Progress lines. @defaultValue nothing */
  log?(line: string): void;
}

/** What one run produced. */
export interface AwsExampleResult {
  requestStatus: number;
  view: ExportView;
  /** The first two lines of part 1, downloaded through its presigned URL. */
  head: string[];
  contentDisposition: string | null;
  seconds: number;
}

const leaseMs = 60_000;

/**
 * Starts local S3 and SQS, the API (Express) and a runner, requests an export over HTTP, waits
 * for it, and downloads part 1 through its presigned S3 URL. Stops everything it started.
 */
export async function runAwsExample(options: AwsExampleOptions = {}): Promise<AwsExampleResult> {
  const log = options.log ?? (() => {});
  const rows = options.rows ?? 250_000;
  // Queue visibility timeout above the worker lease: the lease, not SQS, decides takeovers.
  const aws = await startLocalAws({
    maxReceives: 5,
    visibilityTimeoutSeconds: (leaseMs / 1000) * 2,
  });
  const config = { ...aws, types: [ordersExport()] };
  const { app } = createApi(config);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logger = {
    info: (message: string) => log(`  ${message}`),
    warn: (message: string, fields?: Record<string, unknown>) =>
      log(`  ${message} ${JSON.stringify(fields ?? {})}`),
    error: (message: string, fields?: Record<string, unknown>) =>
      log(`  ${message} ${JSON.stringify(fields ?? {})}`),
  };
  const { worker, handler } = createRunner(config, { leaseMs, logger });
  const stopRunner = new AbortController();
  const runnerName = options.runner ?? 'lambda';
  const runner =
    runnerName === 'lambda'
      ? runEventSource(aws.sqs, aws.queueUrl, handler, {
          batchSize: 1,
          functionTimeoutMs: 900_000,
          signal: stopRunner.signal,
          onBatch: (records, failed) =>
            log(`  lambda invoked with ${records} record(s), ${failed} reported as failed`),
        })
      : worker.run({ concurrency: 2, signal: stopRunner.signal, pollWaitMs: 1_000 });
  try {
    const headers = {
      'content-type': 'application/json',
      'x-tenant-id': 'acme',
      'x-user': 'alice',
    };
    const started = performance.now();
    const posted = await fetch(`${api}/exports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'orders', format: 'csv', filters: { rows } }),
    });
    const outcome = (await posted.json()) as { export: ExportView; outcome: string };
    log(`POST /exports -> ${posted.status} ${outcome.outcome}, export ${outcome.export.exportId}`);
    let view = outcome.export;
    while (view.status === 'queued' || view.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const response = await fetch(`${api}/exports/${view.exportId}`, { headers });
      view = (await response.json()) as ExportView;
    }
    const seconds = (performance.now() - started) / 1000;
    log(`GET /exports/${view.exportId} -> ${view.status} after ${seconds.toFixed(1)} s`);
    let head: string[] = [];
    let contentDisposition: string | null = null;
    const first = view.files?.[0];
    if (first) {
      const download = await fetch(first.url);
      contentDisposition = download.headers.get('content-disposition');
      head = (await download.text()).split('\r\n').slice(0, 2);
    }
    return { requestStatus: posted.status, view, head, contentDisposition, seconds };
  } finally {
    stopRunner.abort();
    await runner.catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await aws.stop();
  }
}
