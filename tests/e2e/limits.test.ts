import { defineExportType, type RowSource } from '@exportkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { columns, makeRows, rowsType } from './sources.js';

let h: Harness;
afterEach(() => h?.close());
const tenantId = 'acme';

/** Yields 50-row batches with a pause between them, so a run takes a known while. */
function slowSource(batches: number, pauseMs: number): RowSource {
  const rows = makeRows(batches * 50);
  return {
    name: 'slow',
    async open() {
      return {
        columns,
        batches: (async function* () {
          for (let i = 0; i < rows.length; i += 50) {
            await new Promise((done) => setTimeout(done, pauseMs));
            yield rows.slice(i, i + 50);
          }
        })(),
      };
    },
  };
}

describe('byte and duration limits', () => {
  it("maxBytes with onLimit 'truncate' stops on a row boundary at or under the limit", async () => {
    h = await createHarness({
      types: [rowsType(1000, { limits: { maxBytes: 10_000, onLimit: 'truncate' } })],
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('succeeded');
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.result?.truncated).toEqual({ reason: 'maxBytes', limit: 10_000 });
    const [csv] = await h.downloadAll(view);
    expect(Buffer.byteLength(csv as string)).toBeLessThanOrEqual(10_000);
    expect(csv?.endsWith('\r\n')).toBe(true);
  });

  it("maxDurationMs with onLimit 'fail' records LIMIT_EXCEEDED", async () => {
    const type = defineExportType({
      name: 'items',
      columns,
      source: slowSource(40, 10),
      limits: { maxDurationMs: 100 },
    });
    h = await createHarness({ types: [type] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('failed');
    expect((await h.exporter.status(tenantId, queued.exportId)).error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('milliseconds'),
    });
  });

  it("maxDurationMs with onLimit 'truncate' commits what was written and says so", async () => {
    const type = defineExportType({
      name: 'items',
      columns,
      source: slowSource(40, 10),
      limits: { maxDurationMs: 100, onLimit: 'truncate' },
    });
    h = await createHarness({ types: [type] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    expect(await h.processNext()).toBe('succeeded');
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.result?.truncated).toEqual({ reason: 'maxDuration', limit: 100 });
    expect(view.result?.rows).toBeGreaterThan(0);
    expect(view.result?.rows).toBeLessThan(2000);
  });
});

describe('status', () => {
  it('mints fresh signed URLs on every call, valid for the type’s urlTtlMs from that call', async () => {
    let now = new Date();
    h = await createHarness({
      types: [rowsType(10, { urlTtlMs: 60_000 })],
      exporter: { clock: () => now },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    const first = (await h.exporter.status(tenantId, queued.exportId)).files?.[0];
    now = new Date(now.getTime() + 30_000);
    const second = (await h.exporter.status(tenantId, queued.exportId)).files?.[0];
    expect(Date.parse(second?.expiresAt ?? '') - Date.parse(first?.expiresAt ?? '')).toBe(30_000);
    expect((await fetch(second?.url ?? '')).status).toBe(200);
  });
});
