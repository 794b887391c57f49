import { defineExportType, Exporter, ExportWorker, listParts } from '@exportkit/core';
import { MemoryJobStore, MemoryObjectStore, MemoryQueue, memoryRowSource } from '@exportkit/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { columns, pausableSource, rowsType } from './sources.js';

let h: Harness;
afterEach(() => h?.close());
const tenantId = 'acme';

describe('ExportWorker.run', () => {
  it('processes queued exports with the given concurrency and stops when the signal aborts', async () => {
    h = await createHarness({ types: [rowsType(200)] });
    const ids: string[] = [];
    for (let n = 0; n < 6; n++)
      ids.push(
        (await h.exporter.request({ type: 'items', tenantId, filters: { n } })).export.exportId,
      );
    const stop = new AbortController();
    const running = h.worker.run({ concurrency: 3, signal: stop.signal, pollWaitMs: 20 });
    const views = await Promise.all(ids.map((id) => h.waitFinished(tenantId, id)));
    expect(views.map((v) => v.status)).toEqual(Array(6).fill('succeeded'));
    stop.abort();
    await running;
  });

  it('on shutdown waits for exports in flight, then releases the unfinished ones for redelivery', async () => {
    const source = pausableSource(1000, 200);
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source })],
      worker: { shutdownTimeoutMs: 100, leaseMs: 60_000 },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    const stop = new AbortController();
    const running = h.worker.run({ signal: stop.signal, pollWaitMs: 20 });
    await source.reached;
    stop.abort();
    await running;
    // Released at once (lease handed back, message visible again), not after the 60 s lease.
    const job = await h.jobStore.get({ tenantId, exportId: queued.exportId });
    expect(job?.status).toBe('running');
    expect(Date.parse(job?.leaseExpiresAt ?? '')).toBeLessThanOrEqual(Date.now());
    expect(h.queue.counts().waiting).toBe(1);
    source.release();
    expect(await h.processNext()).toBe('succeeded');
    expect((await h.exporter.status(tenantId, queued.exportId)).result?.rows).toBe(1000);
  });

  it('releases the job at once when the stop came while it was being claimed', async () => {
    h = await createHarness({ types: [rowsType(200)], worker: { leaseMs: 60_000 } });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    const [message] = await h.queue.receive({ visibilityTimeoutMs: 60_000 });
    // The Lambda's stop timer, or a shutdown, fired during the claim: the signal is already
    // aborted when the run starts, so no abort event will come.
    const stopped = new AbortController();
    stopped.abort();
    const outcome = await h.worker.execute(message!.body, { signal: stopped.signal });
    expect(outcome).toEqual({ outcome: 'deferred', retryAfterMs: 0 });
    const job = await h.jobStore.get({ tenantId, exportId: queued.exportId });
    expect(job?.status).toBe('running');
    expect(Date.parse(job?.leaseExpiresAt ?? '')).toBeLessThanOrEqual(Date.now());
  });
});

describe('ExportWorker timers during a run', () => {
  it('keep firing while rows and storage need no I/O (the row loop gives the event loop turns)', async () => {
    // Rows from a generator into the memory store: every await in the run resolves through
    // promises alone, so without turns no timer (heartbeat, progress) would fire until the end.
    const rows = 300_000;
    const source = memoryRowSource({
      rows: function* () {
        for (let i = 1; i <= rows; i++) yield [i, `row ${i}`, '1.50', new Date(0), true, 1n, null];
      },
    });
    const types = [defineExportType({ name: 'items', columns, source })];
    const jobStore = new MemoryJobStore();
    const queue = new MemoryQueue();
    const store = new MemoryObjectStore();
    const progress: number[] = [];
    const worker = new ExportWorker({
      jobStore,
      queue,
      store,
      types,
      progressIntervalMs: 5,
      onProgress: ({ progress: p }) => progress.push(p.rows),
    });
    await new Exporter({ jobStore, queue, store, types }).request({ type: 'items', tenantId });
    const [message] = await queue.receive({ visibilityTimeoutMs: 60_000 });
    expect(message && (await worker.processMessage(message))).toMatchObject({
      outcome: 'succeeded',
    });
    // Reported while rows were still being written, and more each time.
    const during = progress.filter((n) => n > 0 && n < rows);
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during).toEqual([...during].sort((a, b) => a - b));
  });
});

describe('listParts', () => {
  it('lists part objects under a prefix in part order, for both naming conventions', async () => {
    const store = new MemoryObjectStore();
    for (const key of [
      'x/urls.csv_part10',
      'x/urls.csv',
      'x/urls.csv_part2',
      'x/metadata.json',
      'y/urls.csv_part3',
    ]) {
      await store.put(key, 'a');
    }
    expect((await listParts(store, 'x/', 'urls.csv')).map((p) => p.key)).toEqual([
      'x/urls.csv',
      'x/urls.csv_part2',
      'x/urls.csv_part10',
    ]);
    for (const n of [10, 2, 1]) await store.put(`r/part-${String(n).padStart(5, '0')}.csv`, 'a');
    await store.put('r/manifest.json', '{}');
    expect((await listParts(store, 'r/')).map((p) => p.key)).toEqual([
      'r/part-00001.csv',
      'r/part-00002.csv',
      'r/part-00010.csv',
    ]);
  });
});
