import { defineExportType } from '@exportkit/core';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { columns, csvValues, makeRows, pausableSource } from './sources.js';

let h: Harness;
afterEach(() => h?.close());
const tenantId = 'acme';

describe('workers crash, messages repeat: the committed export is still exact', () => {
  it('a worker that dies after N rows: the redelivery commits, the manifest lists only its own parts, the stale worker commits nothing', async () => {
    const source = pausableSource(2000, 700);
    const type = defineExportType({
      name: 'items',
      columns,
      source,
      parts: { maxRowsPerPart: 250 },
    });
    h = await createHarness({ types: [type], worker: { leaseMs: 300, heartbeatMs: 10_000 } });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });

    // Worker A takes the message and stalls mid-export: it has written parts 1-2 and never heartbeats.
    const [message] = await h.queue.receive({ visibilityTimeoutMs: 300 });
    const workerA = h.newWorker({ leaseMs: 300, heartbeatMs: 10_000 });
    const runA = workerA.processMessage(message!);
    await source.reached;
    const claimedByA = await h.jobStore.get({ tenantId, exportId: queued.exportId });

    // Its lease and the message's visibility lapse; worker B gets the redelivery and finishes.
    await new Promise((done) => setTimeout(done, 450));
    const [redelivered] = await h.queue.receive({ visibilityTimeoutMs: 5_000 });
    expect(redelivered?.receiveCount).toBe(2);
    const workerB = h.newWorker({ leaseMs: 5_000 });
    expect((await workerB.processMessage(redelivered!)).outcome).toBe('succeeded');

    // A wakes up and tries to finish: its fence is stale, nothing it writes becomes visible.
    source.release();
    expect((await runA).outcome).toBe('skipped');

    const job = await h.jobStore.get({ tenantId, exportId: queued.exportId });
    expect(job?.status).toBe('succeeded');
    expect(job?.runId).not.toBe(claimedByA?.runId);
    expect(job?.attempts).toBe(2);
    const manifest = await h.exporter.manifest(tenantId, queued.exportId);
    expect(manifest.runId).toBe(job?.runId);
    expect(manifest.parts.every((p) => p.key.includes(`/${job?.runId}/`))).toBe(true);
    const rows = (await h.downloadAll(await h.exporter.status(tenantId, queued.exportId))).flatMap(
      (csv) => (parse(csv) as string[][]).slice(1),
    );
    expect(rows).toEqual(makeRows(2000).map(csvValues));

    // A's orphaned parts exist on disk, but no manifest references them; cleanup removes them later.
    const keys: string[] = [];
    for await (const info of h.store.list(
      `exports/${tenantId}/${queued.exportId}/${claimedByA?.runId}/`,
    ))
      keys.push(info.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.endsWith('manifest.json'))).toBe(false);
  });

  it('a duplicate message for a finished job does nothing', async () => {
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source: pausableSource(10, 1e9) })],
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    const before = await h.jobStore.get({ tenantId, exportId: queued.exportId });
    await h.queue.send({ tenantId, exportId: queued.exportId });
    expect(await h.processNext()).toBe('skipped');
    expect(await h.jobStore.get({ tenantId, exportId: queued.exportId })).toEqual(before);
    expect(h.queue.counts()).toMatchObject({ waiting: 0, inFlight: 0 });
  });

  it('a duplicate message while another worker holds a live lease is deferred, not run twice', async () => {
    const source = pausableSource(500, 100);
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source })],
      worker: { leaseMs: 10_000 },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    const running = h.processNext();
    await source.reached;
    await h.queue.send({ tenantId, exportId: queued.exportId });
    const [duplicate] = await h.queue.receive({ visibilityTimeoutMs: 10_000 });
    const outcome = await h.worker.processMessage(duplicate!);
    expect(outcome).toMatchObject({ outcome: 'deferred' });
    source.release();
    expect(await running).toBe('succeeded');
    expect(source.reads).toBe(1);
  });

  it('a message that is not a job message is rejected with a typed error and nacked', async () => {
    h = await createHarness({
      types: [defineExportType({ name: 'items', columns, source: pausableSource(1, 1e9) })],
    });
    await h.queue.send({ tenantId: 'acme', exportId: 'not-an-id' });
    const [message] = await h.queue.receive({ visibilityTimeoutMs: 10_000 });
    await expect(h.worker.processMessage(message!)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(h.queue.counts().inFlight).toBe(0);
  });
});
