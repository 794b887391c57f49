import type { ExportTypeDefinition } from '@exportkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { rowsType } from './sources.js';

let h: Harness;
afterEach(() => h?.close());
const tenantId = 'acme';

/**
 * A harness for `type` whose exporter reads the time from the returned clock, which starts at
 * the real time and moves only when the test sets it.
 */
async function clockedHarness(
  type: ExportTypeDefinition,
): Promise<{ started: number; set(ms: number): void }> {
  const started = Date.now();
  let now = new Date(started);
  h = await createHarness({ types: [type], exporter: { clock: () => now } });
  return {
    started,
    set(ms) {
      now = new Date(ms);
    },
  };
}

async function keysUnder(harness: Harness, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of harness.store.list(prefix)) keys.push(info.key);
  return keys;
}

describe('cleanup', () => {
  it('expires succeeded exports past retention and deletes their files; a later request rebuilds', async () => {
    const clock = await clockedHarness(rowsType(20, { retentionMs: 60_000, maxAgeMs: 600_000 }));
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    expect(await h.exporter.cleanup()).toEqual({ expired: 0, deletedObjects: 0 });

    clock.set(Date.now() + 61_000);
    const report = await h.exporter.cleanup();
    expect(report.expired).toBe(1);
    expect(report.deletedObjects).toBe(2); // one part + the manifest
    expect(await keysUnder(h, `exports/${tenantId}/${queued.exportId}/`)).toEqual([]);
    expect((await h.exporter.status(tenantId, queued.exportId)).status).toBe('expired');
    await expect(h.exporter.downloadUrl(tenantId, queued.exportId, 1)).rejects.toMatchObject({
      code: 'EXPORT_NOT_READY',
    });
    expect((await h.exporter.request({ type: 'items', tenantId })).outcome).toBe('queued');
  });

  it('deletes files of superseded runs once no handed-out URL can reach them, keeping the current run', async () => {
    const clock = await clockedHarness(rowsType(20, { maxAgeMs: 1_000, urlTtlMs: 5_000 }));
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    clock.set(Date.now() + 2_000);
    await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    const current = (await h.jobStore.get({ tenantId, exportId: queued.exportId }))?.runId;
    expect(
      new Set((await keysUnder(h, `exports/${tenantId}/`)).map((k) => k.split('/')[3])).size,
    ).toBe(2);

    clock.set(Date.now() + 10_000);
    const report = await h.exporter.cleanup();
    expect(report).toEqual({ expired: 0, deletedObjects: 2 });
    const left = await keysUnder(h, `exports/${tenantId}/`);
    expect(left.length).toBe(2);
    expect(left.every((k) => k.includes(`/${current}/`))).toBe(true);
  });

  it('keeps a superseded run while URLs minted before the restart are valid, then deletes it', async () => {
    const clock = await clockedHarness(rowsType(20, { maxAgeMs: 10_000, urlTtlMs: 5_000 }));
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    // Long after its files were written, a URL is handed out, then a request restarts it.
    clock.set(clock.started + 20_000);
    const file = await h.exporter.downloadUrl(tenantId, queued.exportId, 1);
    clock.set(clock.started + 21_000);
    expect((await h.exporter.request({ type: 'items', tenantId })).outcome).toBe('queued');
    clock.set(clock.started + 22_000);
    expect(await h.exporter.cleanup()).toEqual({ expired: 0, deletedObjects: 0 });
    expect((await fetch(file.url)).status).toBe(200);
    // Once every URL minted before the restart has expired, the old run goes.
    clock.set(clock.started + 27_000);
    expect(await h.exporter.cleanup()).toEqual({ expired: 0, deletedObjects: 2 });
  });

  it('deletes the parts a failed run left, which no manifest names', async () => {
    const clock = await clockedHarness(
      rowsType(100, {
        limits: { maxRows: 50 },
        parts: { maxRowsPerPart: 10 },
        urlTtlMs: 5_000,
      }),
    );
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('failed');
    const folder = `exports/${tenantId}/${queued.exportId}/`;
    const left = await keysUnder(h, folder);
    expect(left.length).toBeGreaterThan(0);
    clock.set(Date.now() + 10_000);
    expect(await h.exporter.cleanup()).toEqual({ expired: 0, deletedObjects: left.length });
    expect(await keysUnder(h, folder)).toEqual([]);
  });

  it("never hands out a URL that outlives the export's retention", async () => {
    const clock = await clockedHarness(rowsType(20, { retentionMs: 60_000, urlTtlMs: 30_000 }));
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    const finishedAt = Date.parse((await h.exporter.status(tenantId, queued.exportId)).finishedAt!);
    clock.set(finishedAt + 50_000);
    const file = await h.exporter.downloadUrl(tenantId, queued.exportId, 1);
    // Cleanup deletes the files at finishedAt + 60 s: the URL ends then, not 30 s from now.
    expect(Date.parse(file.expiresAt)).toBe(finishedAt + 60_000);
  });
});

describe('download URLs', () => {
  it('mints a fresh signed URL per part; unknown parts and unfinished exports are typed errors', async () => {
    h = await createHarness({ types: [rowsType(20, { parts: { maxRowsPerPart: 10 } })] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await expect(h.exporter.downloadUrl(tenantId, queued.exportId, 1)).rejects.toMatchObject({
      code: 'EXPORT_NOT_READY',
    });
    await h.processNext();
    const file = await h.exporter.downloadUrl(tenantId, queued.exportId, 2);
    expect(file).toMatchObject({
      part: 2,
      rows: 10,
      fileName: `items-${queued.exportId.slice(0, 8)}-part-2.csv`,
    });
    expect((await fetch(file.url)).status).toBe(200);
    await expect(h.exporter.downloadUrl(tenantId, queued.exportId, 3)).rejects.toMatchObject({
      code: 'PART_NOT_FOUND',
    });
    await expect(h.exporter.status('globex', queued.exportId)).rejects.toMatchObject({
      code: 'EXPORT_NOT_FOUND',
    });
    await expect(h.exporter.status(tenantId, 'nope')).rejects.toMatchObject({
      code: 'INVALID_EXPORT_ID',
    });
  });
});

describe('malformed requests get typed errors and create nothing', () => {
  it.each([
    ['unknown type', { type: 'nope', tenantId }, 'UNKNOWN_EXPORT_TYPE'],
    ['bad filters', { type: 'items', tenantId, filters: [1, 2] }, 'INVALID_FILTERS'],
    ['unknown format', { type: 'items', tenantId, format: 'xlsx' }, 'UNSUPPORTED_FORMAT'],
    ['bad tenant', { type: 'items', tenantId: '' }, 'INVALID_TENANT'],
  ])('%s', async (_name, request, code) => {
    h = await createHarness({ types: [rowsType(5)] });
    await expect(h.exporter.request(request as never)).rejects.toMatchObject({ code });
    expect(h.queue.counts().waiting).toBe(0);
    expect((await h.exporter.list(tenantId)).items).toEqual([]);
  });
});
