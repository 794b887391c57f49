import {
  type EncodedOptions,
  type EncodedStream,
  ExportkitError,
  type RowSource,
  type RowStream,
  type SourceQuery,
} from '@exportkit/core';
import { openCopyRead } from './copy-read.js';
import { openCursorRead } from './cursor-read.js';
import { inlineQuery, parameterText } from './literal.js';
import type { PoolLike } from './pg-like.js';
import type { PreparedRead } from './prepared-read.js';
import { wrapSourceError } from './source-errors.js';
import { SqlQuery } from './sql.js';
import { scanSql } from './sql-lexer.js';

/** Options for {@link postgresRowSource}. */
export interface PostgresRowSourceOptions {
  /** A `pg.Pool` (or anything shaped like one). Each read checks out one connection. */
  pool: PoolLike;
  /**
   * Builds the export's query with the {@link sql} tag from the normalised request, e.g.
   * `` (q) => sql`select id, total from orders where tenant_id = ${q.tenantId} order by id` ``.
   * It must have a top-level `ORDER BY` on a unique key unless `unordered` is set.
   */
  query(query: SourceQuery): SqlQuery;
  /** Rows fetched per round trip on the cursor path. @defaultValue `1000` */
  batchSize?: number;
  /**
   * Accepts a query without a top-level `ORDER BY`. Without a stable order a rerun can put rows
   * in other parts, and a retried export may not be byte-identical. @defaultValue `false`
   */
  unordered?: boolean;
  /** Offers the COPY fast path for CSV. Set `false` to always read through the cursor. @defaultValue `true` */
  copy?: boolean;
  /**
   * How the COPY path writes values. `'contract'`: core's serialization contract (`true`/`false`,
   * ISO 8601 `...T...Z` with milliseconds, one-line base64), byte-identical to the cursor path and
   * the manifest's serialization rules; PostgreSQL writes its fast native text and this package
   * rewrites those columns on the bytes as they stream (in SQL instead for a delimiter that such
   * text can hold, e.g. `.` or space, which is slower). `'native'`: PostgreSQL's own text (`t`/`f`,
   * `2024-01-02 03:04:05.678+00` in UTC, bytea as `\x` hex), loadable back with `COPY ... FROM`
   * as is. See docs/postgres.md for every difference and the figures.
   * @defaultValue `'contract'`
   */
  copyValues?: 'native' | 'contract';
  /** The name in error messages. @defaultValue `'postgres'` */
  name?: string;
}

/**
 * A RowSource reading one SQL query per export: a cursor for row-by-row formats and
 * transforms, and `COPY ... TO STDOUT` for CSV. Values reach the query as bind parameters on
 * the cursor path and as escaped constants on the COPY path (which takes no parameters).
 */
export function postgresRowSource(options: PostgresRowSourceOptions): RowSource {
  return new PostgresRowSource(options);
}

class PostgresRowSource implements RowSource {
  readonly name: string;
  private readonly batchSize: number;

  constructor(private readonly options: PostgresRowSourceOptions) {
    this.name = options.name ?? 'postgres';
    this.batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] [postgres] batchSize must be a positive integer.',
        {
          details: { batchSize: options.batchSize },
        },
      );
    }
  }

  async open(query: SourceQuery, { signal }: { signal: AbortSignal }): Promise<RowStream> {
    return openCursorRead(this.prepare(query), { batchSize: this.batchSize, signal });
  }

  async openEncoded(
    query: SourceQuery,
    options: EncodedOptions,
  ): Promise<EncodedStream | undefined> {
    if (this.options.copy === false || options.format !== 'csv') return undefined;
    if (!copyDelimiter(options.csv.delimiter)) return undefined;
    return openCopyRead(this.prepare(query), {
      delimiter: options.csv.delimiter,
      lineEnding: options.csv.lineEnding,
      values: this.options.copyValues ?? 'contract',
      signal: options.signal,
    });
  }

  /** The planner's row estimate (`EXPLAIN`), capped at `maxRows`. */
  async estimateRows(query: SourceQuery): Promise<number | undefined> {
    const read = this.prepare(query);
    let result: { rows: unknown[] };
    try {
      result = await read.pool.query({
        text: `EXPLAIN (FORMAT JSON) ${read.text}`,
        values: read.values,
      });
    } catch (error) {
      throw wrapSourceError(error, 'Estimating rows');
    }
    const estimate = planRows(result.rows[0]);
    if (estimate === undefined) return undefined;
    return read.maxRows === undefined ? estimate : Math.min(estimate, read.maxRows);
  }

  private prepare(query: SourceQuery): PreparedRead {
    const built = this.options.query(query);
    if (!(built instanceof SqlQuery)) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [postgres] The query option of ${this.name} must return a query built with the sql tag from @exportkit/postgres.`,
      );
    }
    const statement = withoutTrailingSemicolon(built);
    const scan = scanSql(statement.strings);
    if (!scan.topLevelOrderBy && this.options.unordered !== true) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [postgres] The query of export type "${query.type}" has no top-level ORDER BY. Order by a unique key so parts and reruns are reproducible, or pass unordered: true to postgresRowSource.`,
        { details: { type: query.type } },
      );
    }
    const values = statement.values.map(parameterText);
    return {
      pool: this.options.pool,
      text: statement.text,
      values,
      inlined: () => inlineQuery(statement),
      ...(query.maxRows === undefined ? {} : { maxRows: query.maxRows }),
    };
  }
}

/** COPY takes one single-byte delimiter; anything else is left to the cursor path. */
function copyDelimiter(delimiter: string): boolean {
  return delimiter.length === 1 && delimiter.charCodeAt(0) < 0x80 && !/["\r\n\0]/.test(delimiter);
}

function withoutTrailingSemicolon(query: SqlQuery): SqlQuery {
  const strings = [...query.strings];
  const last = strings.length - 1;
  strings[last] = strings[last]!.replace(/[\s;]+$/, '');
  return new SqlQuery(strings, query.values);
}

function planRows(row: unknown): number | undefined {
  let plan = (row as Record<string, unknown> | undefined)?.['QUERY PLAN'];
  if (typeof plan === 'string') plan = JSON.parse(plan);
  const rows = (plan as { Plan?: { 'Plan Rows'?: unknown } }[] | undefined)?.[0]?.Plan?.[
    'Plan Rows'
  ];
  return typeof rows === 'number' ? rows : undefined;
}
