import type { ExportView } from '@exportkit/core';
import {
  type ExportAction,
  errorBodySchema,
  exportPageSchema,
  exportViewSchema,
  type Principal,
  requestOutcomeSchema,
} from '@exportkit/http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorOf,
  type HandlerOverrides,
  postJson,
  type Stack,
  startStack,
} from './support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(overrides: HandlerOverrides = {}): Promise<Stack> {
  stack = await startStack(overrides);
  return stack;
}

async function create(
  s: Stack,
  principal: string,
  body: unknown = { type: 'orders' },
): Promise<string> {
  const response = await s.as(principal, '/api/exports', postJson(body));
  return requestOutcomeSchema.parse(await response.json()).export.exportId;
}

describe('tenant isolation', () => {
  it('a principal of tenant B can neither see, list, cancel, stream nor download tenant A’s export (404)', async () => {
    const s = await start();
    const id = await create(s, 'tenant-a:alice');
    await s.drain();

    for (const [path, init] of [
      [`/api/exports/${id}`, {}],
      [`/api/exports/${id}`, { method: 'DELETE' }],
      [`/api/exports/${id}/download?part=1`, {}],
      [`/api/exports/${id}/events`, {}],
    ] as const) {
      const response = await s.as('tenant-b:mallory', path, init);
      expect(response.status, `${init.method ?? 'GET'} ${path}`).toBe(404);
      const body = errorBodySchema.parse(await response.json());
      expect(body.error.code).toBe('EXPORT_NOT_FOUND');
      // The same answer as for an id nobody has: nothing tells B the export exists.
      const nobody = await s.as('tenant-b:mallory', path.replace(id, 'f'.repeat(64)), init);
      expect(nobody.status).toBe(404);
      expect(JSON.stringify(await nobody.json()).replaceAll('f'.repeat(64), id)).toBe(
        JSON.stringify(body),
      );
    }
    const list = exportPageSchema.parse(
      await (await s.as('tenant-b:mallory', '/api/exports')).json(),
    );
    expect(list.items).toEqual([]);

    // Tenant A's export is untouched and still downloadable by A.
    const own = exportViewSchema.parse(
      await (await s.as('tenant-a:alice', `/api/exports/${id}`)).json(),
    );
    expect(own.status).toBe('succeeded');
    expect((await s.as('tenant-a:alice', `/api/exports/${id}/download`)).status).toBe(302);
  });

  it('the same request from two tenants makes two exports; a tenant in the body is rejected', async () => {
    const s = await start();
    const a = await create(s, 'tenant-a:alice');
    const b = await create(s, 'tenant-b:bob');
    expect(a).not.toBe(b);
    const smuggled = await s.as(
      'tenant-b:bob',
      '/api/exports',
      postJson({ type: 'orders', tenantId: 'tenant-a' }),
    );
    expect(smuggled.status).toBe(400);
  });

  it('never loads another tenant’s job: every exporter call carries the principal’s tenant', async () => {
    const s = await start();
    const id = await create(s, 'tenant-a:alice');
    const calls: string[] = [];
    for (const method of ['status', 'cancel', 'downloadUrl'] as const) {
      const original = s.exporter[method].bind(s.exporter) as (...args: unknown[]) => unknown;
      (s.exporter as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        calls.push(`${method}:${String(args[0])}`);
        return original(...args);
      };
    }
    await s.as('tenant-b:mallory', `/api/exports/${id}`);
    await s.as('tenant-b:mallory', `/api/exports/${id}`, { method: 'DELETE' });
    await s.as('tenant-b:mallory', `/api/exports/${id}/download`);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((call) => call.endsWith(':tenant-b'))).toBe(true);
  });
});

describe('input and transport limits', () => {
  it('an id that is not 64 lowercase hex characters is 400 on every id route', async () => {
    const s = await start();
    const bad = [
      'abc',
      'A'.repeat(64),
      'g'.repeat(64),
      'a'.repeat(63),
      'a'.repeat(65),
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
    ];
    for (const id of bad) {
      for (const [suffix, method] of [
        ['', 'GET'],
        ['', 'DELETE'],
        ['/download', 'GET'],
        ['/events', 'GET'],
      ] as const) {
        const response = await s.as('acme:alice', `/api/exports/${id}${suffix}`, { method });
        expect(response.status, `${method} ${id}${suffix}`).toBe(400);
        expect((await errorOf(response)).code).toBe('INVALID_EXPORT_ID');
      }
    }
  });

  it('an oversized body is 413, declared or chunked, and is not read to the end', async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ type: 'orders', filters: { pad: 'x'.repeat(5_000) } });
    const declared = await s.as('acme:alice', '/api/exports', postJson(JSON.parse(big)));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', details: { maxBodyBytes: 1024 } },
    });

    const encoder = new TextEncoder();
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++)
          controller.enqueue(encoder.encode(big.slice(i * 1000, (i + 1) * 1000)));
        controller.close();
      },
    });
    const streamed = await s.as('acme:alice', '/api/exports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await errorOf(streamed)).code).toBe('PAYLOAD_TOO_LARGE');

    const atLimit = JSON.stringify({ type: 'orders', filters: { pad: 'x'.repeat(1024 - 40) } });
    expect(Buffer.byteLength(atLimit)).toBeLessThanOrEqual(1024);
    const ok = await s.as('acme:alice', '/api/exports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: atLimit,
    });
    expect(ok.status).toBe(202);
  });
});

describe('auth hooks', () => {
  it('missing or unknown credentials are 401 on every route; the OpenAPI document is public', async () => {
    const s = await start();
    for (const [path, method] of [
      ['/api/exports', 'POST'],
      ['/api/exports', 'GET'],
      [`/api/exports/${'a'.repeat(64)}`, 'GET'],
      [`/api/exports/${'a'.repeat(64)}`, 'DELETE'],
      [`/api/exports/${'a'.repeat(64)}/download`, 'GET'],
      [`/api/exports/${'a'.repeat(64)}/events`, 'GET'],
    ] as const) {
      for (const principal of [undefined, 'not a token']) {
        const response = await s.as(principal, path, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: '{"type":"orders"}' } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect((await errorOf(response)).code).toBe('UNAUTHENTICATED');
      }
    }
    expect((await s.as(undefined, '/api/exports/openapi.json')).status).toBe(200);
  });

  it('authorize false is 403, and it is asked with the action and the tenant’s own job', async () => {
    const asked: [string, ExportAction, string | undefined][] = [];
    const s = await start({
      authorize: (principal: Principal, action: ExportAction, job?: ExportView) => {
        asked.push([String(principal.subject), action, job?.exportId]);
        return principal.subject === 'admin' || action === 'read' || action === 'create';
      },
    });
    const id = await create(s, 'acme:viewer');
    for (const [path, method, action] of [
      ['/api/exports', 'GET', 'list'],
      [`/api/exports/${id}`, 'DELETE', 'cancel'],
      [`/api/exports/${id}/download`, 'GET', 'download'],
    ] as const) {
      const response = await s.as('acme:viewer', path, { method });
      expect(response.status, action).toBe(403);
      expect(await response.json()).toMatchObject({
        error: { code: 'FORBIDDEN', details: { action } },
      });
    }
    expect((await s.as('acme:viewer', `/api/exports/${id}`)).status).toBe(200);
    expect((await s.as('acme:admin', `/api/exports/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(asked).toContainEqual(['viewer', 'create', undefined]);
    expect(asked).toContainEqual(['viewer', 'cancel', id]);
    expect(asked).toContainEqual(['viewer', 'download', id]);
    expect(asked).toContainEqual(['viewer', 'list', undefined]);
    // Another tenant's job is a 404 before authorize would see it.
    asked.length = 0;
    expect((await s.as('other:admin', `/api/exports/${id}`)).status).toBe(404);
    expect(asked).toEqual([]);
  });

  it('the rate limit is per principal and answers 429 with Retry-After', async () => {
    const counts = new Map<string, number>();
    const s = await start({
      rateLimit: (principal, action) => {
        const key = `${principal.tenantId}:${action}`;
        const count = (counts.get(key) ?? 0) + 1;
        counts.set(key, count);
        return count > 2 ? { ok: false, retryAfterMs: 1_500 } : { ok: true };
      },
    });
    expect((await s.as('acme:alice', '/api/exports')).status).toBe(200);
    expect((await s.as('acme:alice', '/api/exports')).status).toBe(200);
    const limited = await s.as('acme:alice', '/api/exports');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', details: { retryAfterMs: 1_500 } },
    });
    expect((await s.as('globex:gus', '/api/exports')).status).toBe(200);
  });
});

describe('server errors', () => {
  it('answers 500 with a generic message and hands the real error to onError', async () => {
    const seen: unknown[] = [];
    const s = await start({ onError: (error) => seen.push(error) });
    s.exporter.status = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
    };
    const response = await s.as('acme:alice', `/api/exports/${'a'.repeat(64)}`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/ECONNREFUSED|hunter2|10\.0\.0\.7|stack|at /);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: expect.stringContaining('failed'), details: {} },
    });
    expect(seen).toHaveLength(1);
    expect(String(seen[0])).toContain('ECONNREFUSED');
  });
});
