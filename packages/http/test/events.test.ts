import { setTimeout as sleep } from 'node:timers/promises';
import { ExportkitError, type ExportView, finishedStatuses } from '@exportkit/core';
import { exportViewSchema, requestOutcomeSchema } from '@exportkit/http';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, rowCount, type Stack, startStack } from './support/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

/** Reads a text/event-stream body into messages as they arrive (a minimal EventSource parser). */
async function* readEvents(response: Response): AsyncGenerator<SseMessage> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) message.comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: '))
          message.data = (message.data ? `${message.data}\n` : '') + line.slice(6);
        else if (line.startsWith('retry: ')) message.retry = Number(line.slice(7));
      }
      yield message;
      end = buffer.indexOf('\n\n');
    }
  }
}

async function create(s: Stack): Promise<string> {
  const response = await s.as('acme:alice', '/api/exports', postJson({ type: 'orders' }));
  return requestOutcomeSchema.parse(await response.json()).export.exportId;
}

describe('GET /exports/:id/events (Server-Sent Events over real HTTP)', () => {
  it('streams status and progress until the export ends, then closes', async () => {
    stack = await startStack({ eventsPollMs: 50 }, { slow: true });
    const s = stack;
    const id = await create(s);
    const response = await s.as('acme:alice', `/api/exports/${id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');

    const views: ExportView[] = [];
    const names: string[] = [];
    let worker: Promise<void> | undefined;
    for await (const message of readEvents(response)) {
      if (message.event) names.push(message.event);
      if (message.event === 'status') {
        views.push(exportViewSchema.parse(JSON.parse(message.data!)) as ExportView);
        // Start the worker once the client has the first snapshot, so every step is observed.
        worker ??= s.drain();
      }
      if (message.event === 'end')
        expect(JSON.parse(message.data!)).toEqual({ exportId: id, status: 'succeeded' });
    }
    await worker;
    expect(names.at(-1)).toBe('end');
    expect(views[0]!.status).toBe('queued');
    const running = views.filter((view) => view.status === 'running');
    expect(running.length).toBeGreaterThanOrEqual(2);
    const rows = running.map((view) => view.progress?.rows ?? 0);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(Math.max(...rows)).toBeGreaterThan(0);
    expect(running.some((view) => view.progress?.estimatedRows === rowCount)).toBe(true);
    const last = views.at(-1)!;
    expect(last.status).toBe('succeeded');
    expect(last.files).toHaveLength(3);
    expect(
      finishedStatuses.filter((status) => views.some((view) => view.status === status)),
    ).toEqual(['succeeded']);
  });

  it('sends heartbeats while nothing changes and stops polling when the client disconnects', async () => {
    stack = await startStack({ eventsPollMs: 20, eventsHeartbeatMs: 100 });
    const s = stack;
    const id = await create(s);
    let reads = 0;
    const status = s.exporter.status.bind(s.exporter);
    s.exporter.status = (tenantId, exportId) => {
      reads++;
      return status(tenantId, exportId);
    };
    const controller = new AbortController();
    const response = await s.as('acme:alice', `/api/exports/${id}/events`, {
      signal: controller.signal,
    });
    const messages: SseMessage[] = [];
    const reading = (async () => {
      for await (const message of readEvents(response)) messages.push(message);
    })().catch(() => {});
    await sleep(350);
    expect(messages[0]?.retry).toBe(2000);
    expect(messages.filter((m) => m.event === 'status')).toHaveLength(1);
    expect(messages.filter((m) => m.comment === 'heartbeat').length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await reading;
    await sleep(100);
    const afterDisconnect = reads;
    await sleep(200);
    expect(reads).toBe(afterDisconnect);
  });

  it('answers a finished export with its final status and end at once', async () => {
    stack = await startStack({ eventsPollMs: 50 });
    const s = stack;
    const id = await create(s);
    await s.as('acme:alice', `/api/exports/${id}`, { method: 'DELETE' });
    const response = await s.as('acme:alice', `/api/exports/${id}/events`);
    const messages: SseMessage[] = [];
    for await (const message of readEvents(response)) messages.push(message);
    expect(messages.map((m) => m.event ?? (m.retry ? 'retry' : m.comment))).toEqual([
      'retry',
      'status',
      'end',
    ]);
    expect(JSON.parse(messages[1]!.data!).status).toBe('cancelled');
  });

  it('reports an export that disappears mid-stream as an error event and closes', async () => {
    stack = await startStack({ eventsPollMs: 20 });
    const s = stack;
    const id = await create(s);
    const response = await s.as('acme:alice', `/api/exports/${id}/events`);
    const messages: SseMessage[] = [];
    for await (const message of readEvents(response)) {
      messages.push(message);
      if (message.event === 'status') {
        s.exporter.status = async () => {
          throw new ExportkitError('EXPORT_NOT_FOUND', `Export ${id} does not exist.`);
        };
      }
    }
    expect(messages.at(-1)?.event).toBe('error');
    expect(JSON.parse(messages.at(-1)!.data!)).toEqual({
      error: { code: 'EXPORT_NOT_FOUND', message: expect.any(String), details: {} },
    });
  });
});
