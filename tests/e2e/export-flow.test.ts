import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { csvValues, makeRows, rowsType } from './sources.js';

let h: Harness;
afterEach(() => h?.close());

const tenantId = 'acme';

describe('request → worker → succeeded → download', () => {
  it('CSV downloads parse to exactly the source rows, in order, with the header', async () => {
    h = await createHarness({ types: [rowsType(1234)] });
    const { export: queued, outcome } = await h.exporter.request({
      type: 'items',
      tenantId,
      requestedBy: 'alice',
    });
    expect(outcome).toBe('queued');
    expect(queued.status).toBe('queued');
    expect(await h.processNext()).toBe('succeeded');

    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view).toMatchObject({
      status: 'succeeded',
      result: { rows: 1234, parts: 1 },
      requestedBy: 'alice',
    });
    const [csv] = await h.downloadAll(view);
    const records = parse(csv as string, { relax_column_count: false }) as string[][];
    expect(records[0]).toEqual(['id', 'name', 'amount', 'at', 'flag', 'big', 'meta']);
    expect(records.slice(1)).toEqual(makeRows(1234).map(csvValues));
    expect(csv?.endsWith('\r\n')).toBe(true);
  });

  it('splits into parts on row boundaries, each with the header, numbered in order', async () => {
    h = await createHarness({ types: [rowsType(1000, { parts: { maxRowsPerPart: 300 } })] });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.files?.map((f) => [f.part, f.rows])).toEqual([
      [1, 300],
      [2, 300],
      [3, 300],
      [4, 100],
    ]);
    const parts = await h.downloadAll(view);
    const rows = parts.flatMap((csv) => {
      const [header, ...data] = parse(csv) as string[][];
      expect(header?.[0]).toBe('id');
      return data;
    });
    expect(rows).toEqual(makeRows(1000).map(csvValues));
  });

  it('splits at maxBytesPerPart without cutting a row', async () => {
    h = await createHarness({ types: [rowsType(500, { parts: { maxBytesPerPart: 8_000 } })] });
    const { export: queued } = await h.exporter.request({
      type: 'items',
      tenantId,
      format: 'ndjson',
    });
    await h.processNext();
    const view = await h.exporter.status(tenantId, queued.exportId);
    expect(view.files?.length).toBeGreaterThan(5);
    const parts = await h.downloadAll(view);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(8_000);
    const ids = parts.flatMap((p) =>
      p
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: number }).id),
    );
    expect(ids).toEqual(makeRows(500).map((r) => r[0]));
  });

  it('NDJSON and JSON (gzipped) parse back to the typed values', async () => {
    h = await createHarness({ types: [rowsType(200, { parts: { maxRowsPerPart: 150 } })] });
    const expected = makeRows(200).map(([id, name, amount, at, flag, big, meta]) => ({
      id,
      name,
      amount,
      at: (at as Date).toISOString(),
      flag,
      big: String(big),
      meta,
    }));
    const ndjson = await h.exporter.request({ type: 'items', tenantId, format: 'ndjson' });
    const json = await h.exporter.request({
      type: 'items',
      tenantId,
      format: 'json',
      compression: 'gzip',
    });
    await h.processNext();
    await h.processNext();
    const ndjsonParts = await h.downloadAll(
      await h.exporter.status(tenantId, ndjson.export.exportId),
    );
    expect(
      ndjsonParts.flatMap((p) =>
        p
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ),
    ).toEqual(expected);
    const jsonView = await h.exporter.status(tenantId, json.export.exportId);
    expect(jsonView.files?.every((f) => f.fileName.endsWith('.json.gz'))).toBe(true);
    const jsonParts = await h.downloadAll(jsonView);
    expect(jsonParts.flatMap((p) => JSON.parse(p) as unknown[])).toEqual(expected);
  });

  it('an identical second request is a cache hit with fresh URLs and no second run', async () => {
    h = await createHarness({ types: [rowsType(10)] });
    const first = await h.exporter.request({ type: 'items', tenantId, requestedBy: 'alice' });
    await h.processNext();
    const second = await h.exporter.request({ type: 'items', tenantId, requestedBy: 'bob' });
    expect(second.outcome).toBe('cached');
    expect(second.export.exportId).toBe(first.export.exportId);
    expect(second.export.files?.[0]?.url).toMatch(/^http:/);
    expect(h.queue.counts()).toMatchObject({ waiting: 0, inFlight: 0 });
    const job = await h.jobStore.get({ tenantId, exportId: first.export.exportId });
    expect(job?.attempts).toBe(1);
  });

  it('concurrent identical requests enqueue exactly once', async () => {
    h = await createHarness({ types: [rowsType(10)] });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => h.exporter.request({ type: 'items', tenantId })),
    );
    expect(outcomes.filter((o) => o.outcome === 'queued')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.export.exportId)).size).toBe(1);
    expect(h.queue.counts().waiting).toBe(1);
  });

  it('a stale succeeded export (older than maxAge) is rebuilt under a new run', async () => {
    let now = new Date('2026-03-01T00:00:00Z');
    const clock = () => now;
    h = await createHarness({ types: [rowsType(10, { maxAgeMs: 60_000 })], exporter: { clock } });
    const first = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    const firstRun = (await h.jobStore.get({ tenantId, exportId: first.export.exportId }))?.runId;
    now = new Date(Date.now() + 120_000);
    const again = await h.exporter.request({ type: 'items', tenantId });
    expect(again.outcome).toBe('queued');
    await h.processNext();
    const job = await h.jobStore.get({ tenantId, exportId: first.export.exportId });
    expect(job?.status).toBe('succeeded');
    expect(job?.runId).not.toBe(firstRun);
  });

  it('lists a tenant’s exports with a status filter and cursor, never another tenant’s', async () => {
    h = await createHarness({ types: [rowsType(5)] });
    for (let i = 0; i < 5; i++)
      await h.exporter.request({ type: 'items', tenantId, filters: { n: i } });
    await h.exporter.request({ type: 'items', tenantId: 'globex' });
    await h.processNext();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.exporter.list(tenantId, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.exportId));
      expect(page.items.every((i) => i.tenantId === tenantId)).toBe(true);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    const queued = await h.exporter.list(tenantId, { status: ['queued'] });
    const succeeded = await h.exporter.list(tenantId, { status: ['succeeded'] });
    expect(queued.items.length + succeeded.items.length).toBe(5);
  });

  it('reports live progress while running, with an ETA from estimateRows', async () => {
    const progress: number[] = [];
    h = await createHarness({
      types: [rowsType(3000)],
      worker: {
        progressIntervalMs: 1,
        onProgress: ({ progress: p }) => progress.push(p.fraction ?? -1),
      },
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId });
    await h.processNext();
    expect((await h.exporter.status(tenantId, queued.exportId)).status).toBe('succeeded');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((f) => f >= 0 && f < 1)).toBe(true);
  });
});
