import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Exporter } from '@exportkit/core';
import { eventually } from '@exportkit/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sharedAdapters, sharedWorker, slowType } from './fixtures/slow-export.js';
import { deletePrefix } from './support/queue-fixture.js';
import { testRedis } from './support/redis-server.js';
import { freshSharedSetup } from './support/shared-setup.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => (await testRedis()).stop());

/** One export on a fresh queue and store, requested through the Exporter. */
async function requestExport(leaseMs: number) {
  const { setup, dir } = await freshSharedSetup('stop', { rows: 1_000, batchDelayMs: 30, leaseMs });
  const api = sharedAdapters(setup);
  cleanups.push(async () => {
    await api.queue.close();
    await deletePrefix(setup.redisUrl, setup.queuePrefix);
    rmSync(dir, { recursive: true, force: true });
  });
  const exporter = new Exporter({ ...api, types: [slowType(setup)] });
  const { export: view } = await exporter.request({ type: 'slow', tenantId: 'tenant-a' });
  const halfway = () => existsSync(join(dir, `halfway-${process.pid}`));
  const job = () => api.jobStore.get({ tenantId: 'tenant-a', exportId: view.exportId });
  const startWorker = (shutdownTimeoutMs: number) => {
    const { worker, queue } = sharedWorker(setup, { shutdownTimeoutMs });
    cleanups.push(() => queue.close());
    const stop = new AbortController();
    return {
      queue,
      stop,
      running: worker.run({ concurrency: 2, signal: stop.signal, pollWaitMs: 200 }),
    };
  };
  return { halfway, job, startWorker, apiQueue: api.queue };
}

describe('graceful shutdown of run() over the BullMQ queue', () => {
  it('waits for the export in flight when it finishes within the shutdown timeout', {
    timeout: 30_000,
  }, async () => {
    const { halfway, job, startWorker } = await requestExport(30_000);
    const a = startWorker(20_000);
    expect(await eventually(halfway, 10_000, 20)).toBe(true);
    a.stop.abort();
    await a.running;
    expect((await job())?.status).toBe('succeeded');
    expect(await a.queue.bullQueue.getJobCountByTypes('active', 'wait', 'delayed', 'failed')).toBe(
      0,
    );
  });

  it('past the timeout it hands the export back at once for another worker to redeliver', {
    timeout: 30_000,
  }, async () => {
    // A lease far longer than the test: only the release, not a lapsed lock, can explain redelivery.
    const { halfway, job, startWorker, apiQueue } = await requestExport(60_000);
    const a = startWorker(100);
    expect(await eventually(halfway, 10_000, 20)).toBe(true);
    a.stop.abort();
    await a.running;
    expect((await job())?.status).toBe('running');
    // The stopping process closes its queue: a job its last blocking fetch took meanwhile is
    // handed back, uncounted, before close() resolves.
    await a.queue.close();
    // Back in wait at once (not active under a lapsing lock), after one delivery.
    const exportId = (await job())!.exportId;
    const waiting = (await apiQueue.bullQueue.getWaiting()).filter(
      (m) => m.data.exportId === exportId,
    );
    expect(waiting.map((m) => m.attemptsStarted)).toEqual([1]);
    expect(await apiQueue.bullQueue.getActiveCount()).toBe(0);
    const b = startWorker(20_000);
    expect(await eventually(async () => (await job())?.status === 'succeeded', 15_000, 50)).toBe(
      true,
    );
    b.stop.abort();
    await b.running;
    expect((await job())?.attempts).toBe(2);
  });
});
