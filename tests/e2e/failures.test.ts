import { defineExportType, ExportkitError, type RowSource } from '@exportkit/core';
import { memoryRowSource } from '@exportkit/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { columns, makeRows, pausableSource, rowsType } from './sources.js';

let h: Harness;
afterEach(() => h?.close());
const tenantId = 'acme';

/** 20 rows from memory, whose `estimateRows` answers after `ms` (a busy pool, a slow EXPLAIN). */
function memorySourceWithSlowEstimate(ms: number): RowSource {
  const rows = memoryRowSource({ rows: makeRows(20) });
  return {
    name: 'slow-estimate',
    open: (query, options) => rows.open(query, options),
    estimateRows: async () => {
      await new Promise((done) => setTimeout(done, ms));
      return 20;
    },
  };
}

function failingSource(error: unknown, afterRows = 0): RowSource & { opens: number } {
  const source = {
    name: 'failing',
    opens: 0,
    async open() {
      source.opens++;
      return {
        columns,
        batches: (async function* () {
          yield makeRows(afterRows);
          throw error;
        })(),
      };
    },
  };
  return source;
}

describe('failures are recorded, retried or rejected — never reported as success', () => {
  it('a worker that lacks the export type records the job as failed instead of leaving it claimed', async () => {
    h = await createHarness({ types: [rowsType(10)] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    // Configuration drift, or a rolling deploy: this worker knows other types only.
    const other = defineExportType({ name: 'other', columns, source: failingSource(new Error()) });
    const behind = h.newWorker({ types: [other] });
    expect(await h.processNext(behind)).toBe('failed');
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('UNKNOWN_EXPORT_TYPE');
    // A new request starts it over, for a worker that has the type.
    await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('succeeded');
  });

  it('the lease is kept while the source estimates its rows, however long that takes', async () => {
    const source = memorySourceWithSlowEstimate(600);
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source })],
      worker: { leaseMs: 300, heartbeatMs: 50 },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    const running = h.processNext();
    await new Promise((done) => setTimeout(done, 450));
    // Past the claim's 300 ms lease, the estimate still waiting: the heartbeat has extended it,
    // so no other worker may reclaim the job meanwhile.
    const job = await h.jobStore.get({ tenantId, exportId: queued.exportId });
    expect(Date.parse(job?.leaseExpiresAt ?? '')).toBeGreaterThan(Date.now());
    expect(await running).toBe('succeeded');
    const done = await h.jobStore.get({ tenantId, exportId: queued.exportId });
    expect(done?.progress?.estimatedRows).toBe(20);
  });

  it('a business failure is recorded as failed with { code, message, retryable } and the message acked', async () => {
    const source = failingSource(
      new ExportkitError('INVALID_FILTERS', 'column "x" does not exist'),
      120,
    );
    h = await createHarness({ types: [defineExportType({ name: 'items', columns, source })] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('failed');
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view).toMatchObject({
      status: 'failed',
      error: { code: 'INVALID_FILTERS', message: 'column "x" does not exist', retryable: false },
    });
    expect(view.files).toBeUndefined();
    expect(h.queue.counts()).toMatchObject({ waiting: 0, inFlight: 0 });
    // No manifest was written, so nothing of the partial run is visible.
    for await (const info of h.store.list(`exports/${tenantId}/`))
      expect(info.key.endsWith('manifest.json')).toBe(false);
  });

  it('an infrastructure error is thrown for redelivery, then recorded as failed after maxAttempts', async () => {
    const source = failingSource(new Error('connection reset'), 10);
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source })],
      worker: { maxAttempts: 3 },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [message] = await h.queue.receive({ visibilityTimeoutMs: 10_000 });
      await expect(h.worker.processMessage(message!)).rejects.toMatchObject({
        code: 'SOURCE_ERROR',
        retryable: true,
      });
      expect((await h.jobStore.get({ tenantId, exportId: queued.exportId }))?.status).toBe(
        'running',
      );
      await new Promise((done) => setTimeout(done, 1_100 * 2 ** (attempt - 1)));
    }
    const [last] = await h.queue.receive({ visibilityTimeoutMs: 10_000 });
    expect(last?.receiveCount).toBe(3);
    expect((await h.worker.processMessage(last!)).outcome).toBe('failed');
    expect(await h.exporter.status(tenantId, queued.exportId)).toMatchObject({
      status: 'failed',
      error: { code: 'SOURCE_ERROR', retryable: true },
    });
    expect(source.opens).toBe(3);
  }, 20_000);

  it('a request after a failure re-enqueues instead of returning the old failure', async () => {
    let fail = true;
    const good = rowsType(5).source;
    const source: RowSource = {
      name: 'flaky',
      open: (query, options) =>
        fail
          ? failingSource(new ExportkitError('LIMIT_EXCEEDED', 'too big')).open(query, options)
          : good.open(query, options),
    };
    h = await createHarness({ types: [defineExportType({ name: 'items', columns, source })] });
    const first = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('failed');
    fail = false;
    const second = await h.exporter.request({ type: 'items', tenantId });
    expect(second).toMatchObject({
      outcome: 'queued',
      export: { exportId: first.export.exportId, status: 'queued' },
    });
    expect(second.export.error).toBeUndefined();
    expect(await h.processNext()).toBe('succeeded');
  });

  it('a storage failure mid-upload is a retryable error and leaves no manifest', async () => {
    h = await createHarness({ types: [rowsType(2000)] });
    const realPut = h.store.put.bind(h.store);
    let puts = 0;
    h.store.put = async (key, body, options) => {
      if (++puts === 1) throw new Error('disk full');
      return realPut(key, body, options);
    };
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    const [message] = await h.queue.receive({ visibilityTimeoutMs: 10_000 });
    await expect(h.worker.processMessage(message!)).rejects.toMatchObject({
      code: 'STORAGE_ERROR',
      retryable: true,
    });
    expect((await h.exporter.status(tenantId, queued.exportId)).status).toBe('running');
  });

  it('an enqueue failure records the job as failed so the next request starts over', async () => {
    h = await createHarness({ types: [rowsType(5)] });
    const realSend = h.queue.send.bind(h.queue);
    h.queue.send = async () => {
      throw new Error('queue down');
    };
    await expect(h.exporter.request({ type: 'items', tenantId })).rejects.toMatchObject({
      code: 'QUEUE_ERROR',
    });
    h.queue.send = realSend;
    expect((await h.exporter.request({ type: 'items', tenantId })).outcome).toBe('queued');
  });
});

describe('cancel', () => {
  it('cancelling during a run stops the worker at its next heartbeat and commits nothing', async () => {
    const source = pausableSource(5000, 1000);
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source })],
      worker: { heartbeatMs: 30 },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    const running = h.processNext();
    await source.reached;
    expect((await h.exporter.cancel(tenantId, queued.exportId)).status).toBe('cancelled');
    expect(await running).toBe('cancelled');
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.status).toBe('cancelled');
    expect(view.files).toBeUndefined();
  });

  it('cancelling a queued export means the worker never runs it', async () => {
    h = await createHarness({ types: [rowsType(5)] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.exporter.cancel(tenantId, queued.exportId);
    expect(await h.processNext()).toBe('skipped');
  });

  it('cancelling a finished export is INVALID_TRANSITION (HTTP 409)', async () => {
    h = await createHarness({ types: [rowsType(5)] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    await expect(h.exporter.cancel(tenantId, queued.exportId)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
  });
});

describe('limits never truncate silently', () => {
  it("onLimit 'fail' records LIMIT_EXCEEDED", async () => {
    h = await createHarness({ types: [rowsType(100, { limits: { maxRows: 50 } })] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('failed');
    expect((await h.exporter.status(tenantId, queued.exportId)).error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      retryable: false,
    });
  });

  it("onLimit 'truncate' commits the rows up to the limit and says so in the manifest and status", async () => {
    h = await createHarness({
      types: [rowsType(100, { limits: { maxRows: 50, onLimit: 'truncate' } })],
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('succeeded');
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.result).toMatchObject({ rows: 50, truncated: { reason: 'maxRows', limit: 50 } });
    expect((await h.exporter.manifest(tenantId, queued.exportId)).truncated).toEqual({
      reason: 'maxRows',
      limit: 50,
    });
  });

  it('exactly at the limit is not truncated', async () => {
    h = await createHarness({ types: [rowsType(50, { limits: { maxRows: 50 } })] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('succeeded');
    expect((await h.exporter.status(tenantId, queued.exportId)).result?.truncated).toBeUndefined();
  });
});
