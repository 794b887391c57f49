import {
  errorBodySchema,
  exportPageSchema,
  exportViewSchema,
  requestOutcomeSchema,
} from '@exportkit/http';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, postJson, rowCount, type Stack, startStack } from './support/stack.js';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.close();
});

const alice = 'acme:alice';

describe('over real HTTP through the Express router', () => {
  it('creates (202 + Location), reports progress, then serves fresh URLs (GET) and a cache hit (200)', async () => {
    const created = await stack.as(
      alice,
      '/api/exports',
      postJson({ type: 'orders', format: 'csv' }),
    );
    expect(created.status).toBe(202);
    const outcome = requestOutcomeSchema.parse(await created.json());
    expect(outcome.outcome).toBe('queued');
    const id = outcome.export.exportId;
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    expect(created.headers.get('location')).toBe(`/api/exports/${id}`);
    expect(outcome.export).toMatchObject({
      status: 'queued',
      tenantId: 'acme',
      requestedBy: 'alice',
    });

    const again = await stack.as('acme:bob', '/api/exports', postJson({ type: 'orders' }));
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ outcome: 'in-progress', export: { exportId: id } });

    const queued = await stack.as(alice, `/api/exports/${id}`);
    expect(queued.status).toBe(200);
    expect(queued.headers.get('cache-control')).toBe('no-store');
    expect(exportViewSchema.parse(await queued.json()).status).toBe('queued');

    await stack.drain();
    const done = exportViewSchema.parse(await (await stack.as(alice, `/api/exports/${id}`)).json());
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ rows: rowCount, parts: 3 });
    expect(done.files?.map((file) => file.part)).toEqual([1, 2, 3]);

    const cached = await stack.as(
      alice,
      '/api/exports',
      postJson({ type: 'orders', format: 'csv' }),
    );
    expect(cached.status).toBe(200);
    const hit = requestOutcomeSchema.parse(await cached.json());
    expect(hit.outcome).toBe('cached');
    expect(hit.export.files).toHaveLength(3);
    expect(stack.transitions.map((t) => `${t.from ?? '∅'}→${t.job.status}`)).toEqual([
      '∅→queued',
      'queued→running',
      'running→succeeded',
    ]);
  });

  it('redirects a download to a fresh signed URL that serves the part', async () => {
    const id = await createAndFinish(stack);
    const rows: string[][] = [];
    for (const part of [1, 2, 3]) {
      const redirect = await stack.as(alice, `/api/exports/${id}/download?part=${part}`);
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location')!;
      expect(location.startsWith(`${stack.origin}/files/`)).toBe(true);
      expect(await redirect.json()).toMatchObject({ url: location, part });
      const file = await fetch(location);
      expect(file.status).toBe(200);
      const [header, ...data] = parse(await file.text()) as string[][];
      expect(header).toEqual(['id', 'customer', 'total']);
      rows.push(...data);
    }
    expect(rows).toHaveLength(rowCount);
    expect(rows.map((row) => Number(row[0]))).toEqual(
      Array.from({ length: rowCount }, (_, i) => i + 1),
    );
    expect(rows[0]).toEqual(['1', 'acme-customer-1', '1.50']);

    const defaultPart = await stack.as(alice, `/api/exports/${id}/download`);
    expect(defaultPart.status).toBe(302);
    expect(await defaultPart.json()).toMatchObject({ part: 1 });
    const missing = await stack.as(alice, `/api/exports/${id}/download?part=4`);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('PART_NOT_FOUND');
    const zero = await stack.as(alice, `/api/exports/${id}/download?part=0`);
    expect(zero.status).toBe(400);
  });

  it('answers 409 for a download before the export succeeded', async () => {
    const created = await stack.as(alice, '/api/exports', postJson({ type: 'orders' }));
    const { export: view } = requestOutcomeSchema.parse(await created.json());
    const early = await stack.as(alice, `/api/exports/${view.exportId}/download?part=1`);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({
      error: { code: 'EXPORT_NOT_READY', details: { status: 'queued' } },
    });
  });

  it('lists the tenant’s exports with a status filter and cursor pagination', async () => {
    const ids: string[] = [];
    for (const format of ['csv', 'ndjson', 'json'] as const) {
      const response = await stack.as(alice, '/api/exports', postJson({ type: 'orders', format }));
      ids.push(requestOutcomeSchema.parse(await response.json()).export.exportId);
    }
    const first = exportPageSchema.parse(
      await (await stack.as(alice, '/api/exports?limit=2')).json(),
    );
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = exportPageSchema.parse(
      await (
        await stack.as(
          alice,
          `/api/exports?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
        )
      ).json(),
    );
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    expect(new Set([...first.items, ...second.items].map((item) => item.exportId))).toEqual(
      new Set(ids),
    );

    await stack.as(alice, `/api/exports/${ids[0]}`, { method: 'DELETE' });
    const cancelled = exportPageSchema.parse(
      await (await stack.as(alice, '/api/exports?status=cancelled')).json(),
    );
    expect(cancelled.items.map((item) => item.exportId)).toEqual([ids[0]]);
    const open = exportPageSchema.parse(
      await (await stack.as(alice, '/api/exports?status=queued,running')).json(),
    );
    expect(open.items).toHaveLength(2);

    for (const bad of [
      'status=done',
      'status=queued,',
      'limit=0',
      'limit=101',
      'limit=abc',
      'sort=asc',
    ]) {
      const response = await stack.as(alice, `/api/exports?${bad}`);
      expect(response.status, bad).toBe(400);
      expect((await errorOf(response)).code).toBe('INVALID_REQUEST');
    }
  });

  it('cancels a queued export (200) and answers 409 for a finished one', async () => {
    const created = await stack.as(
      alice,
      '/api/exports',
      postJson({ type: 'orders', format: 'ndjson' }),
    );
    const { export: view } = requestOutcomeSchema.parse(await created.json());
    const cancelled = await stack.as(alice, `/api/exports/${view.exportId}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(exportViewSchema.parse(await cancelled.json()).status).toBe('cancelled');
    const twice = await stack.as(alice, `/api/exports/${view.exportId}`, { method: 'DELETE' });
    expect(twice.status).toBe(409);
    expect((await errorOf(twice)).code).toBe('INVALID_TRANSITION');

    const id = await createAndFinish(stack);
    const finished = await stack.as(alice, `/api/exports/${id}`, { method: 'DELETE' });
    expect(finished.status).toBe(409);
    expect(await finished.json()).toMatchObject({
      error: { code: 'INVALID_TRANSITION', details: { status: 'succeeded' } },
    });
  });

  it('validates the body: strict keys, no tenant, known type and format, JSON only', async () => {
    const cases: [unknown, string][] = [
      [{ type: 'orders', tenantId: 'other' }, 'INVALID_REQUEST'],
      [{ type: 'orders', format: 'xlsx' }, 'INVALID_REQUEST'],
      [{ type: 'orders', csv: { delimiter: ';;' } }, 'INVALID_REQUEST'],
      [{ type: 'orders', columns: [] }, 'INVALID_REQUEST'],
      [{}, 'INVALID_REQUEST'],
      [[1, 2], 'INVALID_REQUEST'],
      [{ type: 'invoices' }, 'UNKNOWN_EXPORT_TYPE'],
      [{ type: 'orders', columns: ['id', 'password'] }, 'UNSUPPORTED_FORMAT'],
    ];
    for (const [body, code] of cases) {
      const response = await stack.as(alice, '/api/exports', postJson(body));
      const json = errorBodySchema.parse(await response.json());
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(json.error.code, JSON.stringify(body)).toBe(code);
      expect(typeof json.error.message).toBe('string');
      expect(json.error.details).toBeTypeOf('object');
    }
    const tenant = await stack.as(
      alice,
      '/api/exports',
      postJson({ type: 'orders', tenantId: 'other' }),
    );
    expect(((await errorOf(tenant)).details.issues as unknown[])[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['tenantId'],
    });

    const notJson = await stack.as(alice, '/api/exports', {
      method: 'POST',
      body: 'type=orders',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    const broken = await stack.as(alice, '/api/exports', {
      method: 'POST',
      body: '{"type":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe('INVALID_REQUEST');
  });

  it('leaves other routes of the app alone and answers unknown export routes with JSON', async () => {
    expect(await (await fetch(`${stack.origin}/health`)).json()).toEqual({ ok: true });
    const unknown = await stack.as(alice, '/api/exports/abc/def/ghi');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('ROUTE_NOT_FOUND');
    const put = await stack.as(alice, '/api/exports', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await stack.as(alice, '/api/other')).status).toBe(404);
  });
});

async function createAndFinish(stack: Stack): Promise<string> {
  const created = await stack.as(
    alice,
    '/api/exports',
    postJson({ type: 'orders', format: 'csv' }),
  );
  const id = requestOutcomeSchema.parse(await created.json()).export.exportId;
  await stack.drain();
  return id;
}
