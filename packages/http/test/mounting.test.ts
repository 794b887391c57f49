import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExportHandlers, createExpressRouter, requestOutcomeSchema } from '@exportkit/http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerAuth, errorOf, postJson, type Stack, startStack } from './support/stack.js';

let stack: Stack;
let server: Server | undefined;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
  await stack.close();
});

async function listen(listener: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('mounting', () => {
  it('works as a plain node:http listener, answering JSON 404 outside basePath', async () => {
    const router = createExpressRouter({
      exporter: stack.exporter,
      authenticate: bearerAuth,
      basePath: '/v1/exports/',
    });
    const origin = await listen((req, res) => router(req, res));
    const created = await fetch(`${origin}/v1/exports`, {
      ...postJson({ type: 'orders' }),
      headers: { 'content-type': 'application/json', authorization: 'Bearer acme:alice' },
    });
    expect(created.status).toBe(202);
    const { export: view } = requestOutcomeSchema.parse(await created.json());
    expect(created.headers.get('location')).toBe(`/v1/exports/${view.exportId}`);
    const outside = await fetch(`${origin}/elsewhere`);
    expect(outside.status).toBe(404);
    expect((await errorOf(outside)).code).toBe('ROUTE_NOT_FOUND');
  });

  it('uses a body that express.json() already parsed, and Location carries the mount path', async () => {
    const app = express();
    app.use(express.json());
    app.use(
      '/tenant-api',
      createExpressRouter({ exporter: stack.exporter, authenticate: bearerAuth }),
    );
    const origin = await listen(app);
    const created = await fetch(`${origin}/tenant-api/exports`, {
      ...postJson({ type: 'orders', format: 'json' }),
      headers: { 'content-type': 'application/json', authorization: 'Bearer acme:alice' },
    });
    expect(created.status).toBe(202);
    const { export: view } = requestOutcomeSchema.parse(await created.json());
    expect(view.format).toBe('json');
    expect(created.headers.get('location')).toBe(`/tenant-api/exports/${view.exportId}`);
  });

  it('the framework-agnostic handlers answer normalised requests directly', async () => {
    const handlers = createExportHandlers({ exporter: stack.exporter, authenticate: bearerAuth });
    const body = new TextEncoder().encode(JSON.stringify({ type: 'orders' }));
    const created = await handlers.handle({
      method: 'POST',
      path: '/exports',
      query: {},
      headers: { 'content-type': 'application/json', authorization: 'Bearer acme:alice' },
      body,
    });
    expect(created.status).toBe(202);
    const { export: view } = requestOutcomeSchema.parse(created.body);
    const read = await handlers.handle({
      method: 'GET',
      path: `/exports/${view.exportId}/`,
      query: {},
      headers: { authorization: 'Bearer acme:alice' },
    });
    expect(read).toMatchObject({
      status: 200,
      body: { exportId: view.exportId, status: 'queued' },
    });
    expect(handlers.owns('/exports')).toBe(true);
    expect(handlers.owns('/exportsx')).toBe(false);
  });
});

describe('configuration', () => {
  it('rejects a missing exporter or authenticate hook and bad numbers at start-up', () => {
    const authenticate = () => undefined;
    expect(() => createExportHandlers({ authenticate } as never)).toThrow(
      /\[exportkit\] \[http\] `exporter`/,
    );
    expect(() => createExportHandlers({ exporter: stack.exporter } as never)).toThrow(
      /`authenticate`/,
    );
    expect(() =>
      createExportHandlers({ exporter: stack.exporter, authenticate, maxBodyBytes: -1 }),
    ).toThrow(/`maxBodyBytes` must be a positive integer/);
  });
});
