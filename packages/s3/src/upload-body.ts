import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { ObjectBody } from '@exportkit/core';

/**
 * A put body after looking at its start: small enough for one PutObject, or a stream. A stream's
 * `close` releases its source (once) when the upload ends without reading it to the end, even
 * if it never started reading (a failed CreateMultipartUpload).
 */
export type PeekedBody =
  | { kind: 'whole'; bytes: Uint8Array }
  | { kind: 'stream'; chunks: AsyncIterable<Uint8Array>; close(): Promise<void> };

const encoder = new TextEncoder();

/**
 * A streamed body gives the event loop a turn after this many bytes read from the source. A
 * producer in this process (an async generator, say) may hand chunks over through promises
 * alone, and without a turn the sockets of parts already in flight (and anything else in the
 * process) wait until the producer blocks: before core's worker gave turns of its own, the
 * 1M-row bench measured event-loop stalls of 1.1–1.4 s without this, 0.1–0.3 s with it. The
 * worker's turns do not make it redundant: `put` takes bodies from any caller.
 */
export const loopTurnBytes = 1024 * 1024;

/**
 * Reads at most `threshold + 1` bytes of `body` to decide between a single PutObject (the body
 * ended within `threshold`) and a multipart upload (the rest is streamed after what was read).
 * At most `threshold` bytes plus one chunk are held in memory. Stops early when `signal` aborts.
 */
export async function peekBody(
  body: ObjectBody,
  threshold: number,
  signal?: AbortSignal,
): Promise<PeekedBody> {
  if (typeof body === 'string') return peekBytes(encoder.encode(body), threshold);
  if (body instanceof Uint8Array) return peekBytes(body, threshold);
  const iterator = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let sinceTurn = 0;
  try {
    while (size <= threshold) {
      if (signal?.aborted) throw signal.reason;
      const next = await iterator.next();
      if (next.done) return { kind: 'whole', bytes: concat(head, size) };
      head.push(next.value);
      size += next.value.byteLength;
      sinceTurn += next.value.byteLength;
      if (sinceTurn >= loopTurnBytes) {
        sinceTurn = 0;
        await nextLoopTurn();
      }
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
  const source = new Source(iterator);
  return { kind: 'stream', chunks: resume(head, source), close: () => source.close() };
}

function peekBytes(bytes: Uint8Array, threshold: number): PeekedBody {
  if (bytes.byteLength <= threshold) return { kind: 'whole', bytes };
  return { kind: 'stream', chunks: slices(bytes, threshold), close: async () => {} };
}

/**
 * The body's iterator, released at most once: by the uploader stopping early, or by `put` when
 * the upload failed before reading it (a generator never started runs no `finally`, so the
 * resumed body alone could not).
 */
class Source {
  #open = true;

  constructor(readonly iterator: AsyncIterator<Uint8Array>) {}

  /** The source ran to its end: nothing to release. */
  ended(): void {
    this.#open = false;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.iterator.return?.();
  }
}

/** Large in-memory bodies are handed to the uploader in slices so parts are cut without copies. */
async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) {
    yield bytes.subarray(offset, offset + size);
  }
}

async function* resume(head: Uint8Array[], source: Source): AsyncGenerator<Uint8Array> {
  let sinceTurn = 0;
  try {
    yield* head;
    for (;;) {
      const next = await source.iterator.next();
      if (next.done) {
        source.ended();
        return;
      }
      yield next.value;
      sinceTurn += next.value.byteLength;
      if (sinceTurn >= loopTurnBytes) {
        sinceTurn = 0;
        await nextLoopTurn();
      }
    }
  } finally {
    // The uploader stopped reading (failure or abort): let the source release what it holds.
    await source.close();
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
