import type { EncodedStream } from '@exportkit/core';
import { columnOf, copyExpression } from './column-types.js';
import { CopyOut } from './copy-out.js';
import {
  contractKinds,
  createCopyRewriter,
  rewritableDelimiter,
  sameKinds,
} from './copy-rewriter.js';
import { quoteLiteral } from './literal.js';
import type { PreparedRead } from './prepared-read.js';
import { ReadSession } from './read-session.js';
import { abortReason, wrapSourceError } from './source-errors.js';

/** Bytes of COPY output rewritten at a time. */
const rewriteSlice = 128 * 1024;

/** Options for {@link openCopyRead}. */
export interface CopyReadOptions {
  /** One ASCII character COPY accepts as a CSV delimiter. */
  delimiter: string;
  lineEnding: 'crlf' | 'lf';
  /** `'contract'` rewrites columns whose PostgreSQL text differs from core's serialization. */
  values: 'native' | 'contract';
  signal: AbortSignal;
}

/**
 * The COPY fast path: `COPY (query) TO STDOUT (FORMAT csv)` streamed through as bytes. The
 * query is first described (`LIMIT 0`, bound parameters) for its columns. With
 * `values: 'contract'`, columns whose PostgreSQL text differs from core's serialization
 * (booleans, timestamps, bytea) are rewritten on the streamed bytes (see `createCopyRewriter`;
 * in SQL for delimiters it cannot handle), so both paths write the same bytes. The rewriter also
 * turns COPY's LF row ends into CRLF.
 */
export async function openCopyRead(
  read: PreparedRead,
  options: CopyReadOptions,
): Promise<EncodedStream> {
  const { signal } = options;
  signal.throwIfAborted();
  // Built before connecting: a value that cannot be inlined fails without touching the pool.
  const inlined = read.inlined();
  const session = await ReadSession.open(read.pool).catch((error: unknown) => {
    throw wrapSourceError(error, 'Connecting');
  });
  const onAbort = (): void => session.destroy(abortReason(signal));
  signal.addEventListener('abort', onAbort, { once: true });

  let copySql: string;
  let columns: EncodedStream['columns'];
  let kinds: ReturnType<typeof contractKinds>;
  try {
    const described = await session.client.query({
      text: `SELECT * FROM (${read.text}\n) AS _ek LIMIT 0`,
      values: read.values,
    });
    columns = described.fields.map(columnOf);
    const oids = described.fields.map((f) => f.dataTypeID);
    // The contract is written in Node from PostgreSQL's fast native text when the delimiter
    // allows; in SQL otherwise (to_char costs the server ~0.5-1 µs per timestamp).
    kinds = options.values === 'contract' ? contractKinds(oids) : undefined;
    const inSql = kinds !== undefined && !rewritableDelimiter(options.delimiter);
    if (inSql) kinds = undefined;
    copySql = copyStatement(inlined, oids, read.maxRows, options.delimiter, inSql);
    signal.throwIfAborted();
  } catch (error) {
    signal.removeEventListener('abort', onAbort);
    session.destroy(error);
    if (signal.aborted) throw abortReason(signal);
    throw wrapSourceError(error, 'Describing the query');
  }

  const copy = session.client.query(new CopyOut(copySql));
  const rewrite =
    kinds || options.lineEnding === 'crlf'
      ? createCopyRewriter(
          kinds ?? sameKinds(columns.length),
          options.delimiter,
          options.lineEnding,
        )
      : undefined;

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let complete = false;
    try {
      for await (const chunk of copy.chunks()) {
        if (!rewrite) yield chunk;
        // A chunk holds what was read from the socket at once (up to ~128 KiB seen); slices
        // bound the rewriter's buffer (4× its input) whatever the chunk.
        else
          for (let at = 0; at < chunk.length; at += rewriteSlice) {
            yield rewrite(chunk.subarray(at, at + rewriteSlice));
          }
      }
      complete = true;
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw wrapSourceError(error, 'Reading COPY output');
    } finally {
      signal.removeEventListener('abort', onAbort);
      // A COPY cut short leaves the connection mid-protocol: close it rather than reuse it.
      if (complete) await session.finish();
      else session.destroy(new Error('COPY not read to the end'));
    }
  }

  return { columns, chunks: chunks() };
}

/**
 * The COPY statement, wrapping the query only when a column is rewritten in SQL (`inSql`) or a
 * limit applies.
 */
function copyStatement(
  query: string,
  typeOids: number[],
  maxRows: number | undefined,
  delimiter: string,
  inSql: boolean,
): string {
  const refs = typeOids.map((_, i) => `c${i + 1}`);
  const expressions = typeOids.map((oid, i) => (inSql ? copyExpression(oid, refs[i]!) : undefined));
  let inner = query;
  if (maxRows !== undefined || expressions.some((e) => e !== undefined)) {
    // Aliasing the columns by position makes duplicate or odd output names harmless. PostgreSQL
    // keeps a subquery's ORDER BY through a plain projection like this one.
    const select = expressions.map((e, i) => e ?? refs[i]!).join(', ');
    const limit = maxRows === undefined ? '' : ` LIMIT ${Math.trunc(maxRows)}`;
    inner = `SELECT ${select} FROM (${query}\n) AS _ek(${refs.join(', ')})${limit}`;
  }
  return `COPY (${inner}\n) TO STDOUT (FORMAT csv, DELIMITER ${quoteLiteral(delimiter)}, HEADER false)`;
}
