import { join } from 'node:path';
import type { ObjectBody } from '@exportkit/core';
import { errnoCode } from './fs-errors.js';
import type { LocalDiskFileHandle, LocalDiskFs } from './fs-like.js';
import { tempFileName } from './key-path.js';

/**
 * Chunks are gathered up to this size before a write; larger ones are written as they come.
 * Each write is awaited, and its completion waits for a turn of the event loop, which a worker
 * encoding rows gives every few milliseconds: written 64 KiB at a time, core's part chunks kept
 * the worker waiting on the disk (10–15% slower exports to local disk than at 1 MiB). This
 * bounds the memory a put holds.
 */
const writeBatchBytes = 1024 * 1024;

/** Attempts to create the temp file when a concurrent `delete` removes its fresh directory. */
const openAttempts = 3;

/**
 * Wraps an error thrown by the body (not by the filesystem), so `put` can rethrow it unchanged
 * instead of reporting it as a storage failure.
 */
export class SourceFailure {
  constructor(readonly error: unknown) {}
}

/** A body written to a temp file that now waits to be renamed into place. */
export interface TempFile {
  path: string;
  size: number;
}

/**
 * Streams `body` into a new temp file in `dir`, then fsyncs and closes it. `dir` is created
 * when missing and vetted by `checkDir` before and after. Reads the body one chunk at a time,
 * awaiting each write, so a fast source cannot outrun the disk. On any error or abort the temp
 * file is removed and the error is rethrown: a body error wrapped in {@link SourceFailure}, an
 * abort as `signal.reason`, a filesystem error as is.
 */
export async function writeTempFile(
  fs: LocalDiskFs,
  dir: string,
  body: ObjectBody,
  checkDir: () => Promise<void>,
  signal?: AbortSignal,
): Promise<TempFile> {
  signal?.throwIfAborted();
  const { handle, path } = await openTempFile(fs, dir, checkDir);
  let closed = false;
  try {
    const size = await copyBody(handle, body, signal);
    await handle.sync();
    closed = true;
    await handle.close();
    return { path, size };
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await removeQuietly(fs, path);
    throw error;
  }
}

/** Unlinks `path`, ignoring every error (it may never have been created). */
export async function removeQuietly(fs: LocalDiskFs, path: string): Promise<void> {
  await fs.unlink(path).catch(() => undefined);
}

async function openTempFile(
  fs: LocalDiskFs,
  dir: string,
  checkDir: () => Promise<void>,
): Promise<{ handle: LocalDiskFileHandle; path: string }> {
  for (let attempt = 1; ; attempt++) {
    // Before mkdir too, so a link in the path cannot make it create directories elsewhere.
    await checkDir();
    await fs.mkdir(dir, { recursive: true });
    const path = join(dir, tempFileName());
    try {
      await checkDir();
      // 'wx' fails rather than reuse a file someone else created under the same random name.
      return { handle: await fs.open(path, 'wx'), path };
    } catch (error) {
      // A delete pruning empty directories may remove `dir` between mkdir and open.
      if (errnoCode(error) !== 'ENOENT' || attempt >= openAttempts) throw error;
    }
  }
}

async function copyBody(
  handle: LocalDiskFileHandle,
  body: ObjectBody,
  signal?: AbortSignal,
): Promise<number> {
  if (typeof body === 'string') return writeFully(handle, Buffer.from(body, 'utf8'));
  if (body instanceof Uint8Array) return writeFully(handle, body);
  const iterator = body[Symbol.asyncIterator]();
  let done = false;
  let size = 0;
  // Small chunks are copied into one buffer, reused for the whole body (each write is awaited
  // before it is filled again): a fresh buffer per batch was garbage the size of the body.
  let batch: Buffer | undefined;
  let batched = 0;
  const flush = async (): Promise<void> => {
    size += await writeFully(handle, (batch as Buffer).subarray(0, batched));
    batched = 0;
  };
  try {
    for (;;) {
      // Racing the abort lets a put stop even while the source itself is stuck awaiting.
      const next = iterator.next().catch((error: unknown) => {
        throw new SourceFailure(error);
      });
      // If the abort wins the race, a later rejection of `next` must not go unhandled.
      if (signal) next.catch(() => undefined);
      const step = await (signal ? untilAborted(next, signal) : next);
      if (step.done) {
        done = true;
        break;
      }
      const chunk: Uint8Array =
        typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value;
      if (batched + chunk.byteLength > writeBatchBytes && batched > 0) await flush();
      if (chunk.byteLength >= writeBatchBytes) {
        size += await writeFully(handle, chunk);
      } else if (chunk.byteLength > 0) {
        batch ??= Buffer.allocUnsafeSlow(writeBatchBytes);
        batch.set(chunk, batched);
        batched += chunk.byteLength;
        if (batched === writeBatchBytes) await flush();
      }
      signal?.throwIfAborted();
    }
    if (batched > 0) await flush();
    return size;
  } finally {
    // Stops a source we did not finish (destroys a Node stream, runs a generator's finally).
    if (!done) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

async function writeFully(handle: LocalDiskFileHandle, bytes: Uint8Array): Promise<number> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
  return bytes.byteLength;
}

/**
 * Settles like `promise`, or rejects with the abort reason first. A fresh race per step: racing
 * every chunk against one long-lived abort promise would keep every chunk reachable from that
 * promise's reaction list until the put ends (a leak of the whole body).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
