import { setTimeout as sleep } from 'node:timers/promises';
import { type ExportView, finishedStatuses } from '@exportkit/core';
import { errorResponse } from './error-response.js';

/** Options for {@link exportEvents}. */
export interface ExportEventsOptions {
  /** The view already loaded (and authorized) by the handler; sent first. */
  first: ExportView;
  /** Reads the export again, under the same tenant. */
  load(): Promise<ExportView>;
  /** Ends the stream when the client goes away. */
  signal?: AbortSignal;
  /** How often the export is read again, ms (the handlers pass `eventsPollMs`, 500 by default). */
  pollMs: number;
  /** Silence after which a comment line keeps the connection open, ms (handlers: 15,000). */
  heartbeatMs: number;
  /** How long one stream stays open before it ends, ms (handlers: 600,000). */
  maxMs: number;
  /**
   * Send the current status once and end, with a `retry:` hint so `EventSource` polls by
   * reconnecting (for platforms that cannot stream, such as API Gateway).
   */
  snapshot?: boolean;
  /** Receives errors that are not shown to the client. */
  onError(error: unknown): void;
}

/**
 * The Server-Sent Events stream of one export: a `status` event with the full view now and on
 * every change (status, progress, result), a comment line after `heartbeatMs` of silence, and an
 * `end` event once the export has finished, after which the stream closes. Clients should close
 * their `EventSource` on `end`; otherwise it reconnects and receives the final status again.
 */
export async function* exportEvents(options: ExportEventsOptions): AsyncGenerator<string> {
  const { signal } = options;
  yield `retry: ${options.snapshot ? Math.max(options.pollMs, 1000) : 2000}\n\n`;
  let view = options.first;
  let fingerprint = fingerprintOf(view);
  yield statusEvent(view);
  if (isFinished(view)) {
    yield endEvent(view);
    return;
  }
  if (options.snapshot) return;

  const startedAt = Date.now();
  let lastWriteAt = startedAt;
  while (!signal?.aborted && Date.now() - startedAt < options.maxMs) {
    const slept = await sleep(options.pollMs, true, { signal }).catch(() => false);
    if (!slept) return;
    try {
      view = await options.load();
    } catch (error) {
      const { response, exposed } = errorResponse(error);
      if (!exposed) options.onError(error);
      yield `event: error\ndata: ${JSON.stringify(response.body)}\n\n`;
      return;
    }
    const next = fingerprintOf(view);
    if (next !== fingerprint) {
      fingerprint = next;
      lastWriteAt = Date.now();
      yield statusEvent(view);
      if (isFinished(view)) {
        yield endEvent(view);
        return;
      }
    } else if (Date.now() - lastWriteAt >= options.heartbeatMs) {
      lastWriteAt = Date.now();
      yield ': heartbeat\n\n';
    }
  }
}

function isFinished(view: ExportView): boolean {
  return finishedStatuses.includes(view.status);
}

/** What counts as a change: signed URLs are minted fresh on every read, so they are left out. */
function fingerprintOf(view: ExportView): string {
  return JSON.stringify([view.status, view.updatedAt, view.progress, view.error, view.result]);
}

function statusEvent(view: ExportView): string {
  return `event: status\ndata: ${JSON.stringify(view)}\n\n`;
}

function endEvent(view: ExportView): string {
  return `event: end\ndata: ${JSON.stringify({ exportId: view.exportId, status: view.status })}\n\n`;
}
