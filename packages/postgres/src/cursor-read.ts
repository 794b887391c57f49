import type { Row, RowStream } from '@exportkit/core';
import Cursor from 'pg-cursor';
import { columnOf, cursorTypeParsers } from './column-types.js';
import type { FieldLike } from './pg-like.js';
import type { PreparedRead } from './prepared-read.js';
import { ReadSession } from './read-session.js';
import { abortReason, wrapSourceError } from './source-errors.js';

/**
 * The cursor path: a server-side portal read `batchSize` rows at a time with array rows and
 * the fast parsers of `cursorTypeParsers`. The first batch is read before returning, so the
 * columns are known (and a bad query fails) before any row is written.
 */
export async function openCursorRead(
  read: PreparedRead,
  options: { batchSize: number; signal: AbortSignal },
): Promise<RowStream> {
  const { batchSize, signal } = options;
  signal.throwIfAborted();
  const session = await ReadSession.open(read.pool).catch((error: unknown) => {
    throw wrapSourceError(error, 'Connecting');
  });
  const cursor = session.client.query(
    new Cursor(read.text, read.values, { rowMode: 'array', types: cursorTypeParsers }),
  );

  type Batch = { rows: Row[]; fields: FieldLike[] };
  // The read in flight, if any: one batch is fetched ahead while the consumer works on the
  // previous one, so the server and this process run in parallel (memory: two batches).
  let pending: Promise<Batch> | undefined;
  let failure: unknown;
  let closing: Promise<void> | undefined;
  const fetch = (): Promise<Batch> => {
    pending = new Promise((resolve, reject) => {
      cursor.read(batchSize, (error, rows, result) => {
        if (error) {
          failure = error;
          reject(error);
        } else resolve({ rows: rows as Row[], fields: (result?.fields ?? []) as FieldLike[] });
      });
    });
    // Awaited by the generator, or only settled by close() when the consumer left early.
    pending.catch(() => undefined);
    return pending;
  };
  // Once no read is in flight: close the portal and end the transaction, which returns the
  // connection to the pool clean; after a server error, close the connection instead.
  const close = (): Promise<void> => {
    closing ??= (pending ?? Promise.resolve())
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        if (session.isReleased) return;
        if (failure !== undefined) return session.destroy(failure);
        return cursor.close().then(
          () => session.finish(),
          (error: unknown) => session.destroy(error),
        );
      });
    return closing;
  };
  // An abort closes the connection at once, ending the query on the server: waiting for the
  // read in flight first (as a consumer's early stop does) made a cancel or shutdown wait as
  // long as a slow query's first batch, minutes for a large sort.
  const onAbort = (): void => session.destroy(abortReason(signal));
  signal.addEventListener('abort', onAbort, { once: true });

  let first: { rows: Row[]; fields: FieldLike[] };
  try {
    first = await fetch();
    signal.throwIfAborted();
  } catch (error) {
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) {
      await close();
      throw abortReason(signal);
    }
    await close();
    throw wrapSourceError(error, 'Opening the cursor');
  }

  async function* batches(): AsyncGenerator<readonly Row[]> {
    let rows = first.rows;
    let remaining = read.maxRows ?? Number.POSITIVE_INFINITY;
    try {
      for (;;) {
        if (rows.length > remaining) rows = rows.slice(0, remaining);
        remaining -= rows.length;
        const next = rows.length < batchSize || remaining <= 0 ? undefined : fetch();
        if (rows.length > 0) yield rows;
        signal.throwIfAborted();
        if (!next) break;
        rows = (await next).rows;
        signal.throwIfAborted();
      }
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw wrapSourceError(error, 'Reading rows');
    } finally {
      signal.removeEventListener('abort', onAbort);
      await close();
    }
  }

  return { columns: first.fields.map(columnOf), batches: batches() };
}
