import type { CsvOptions } from '../request.js';

/** A column of the output: its name (the header) and an optional type hint for writers. */
export interface Column {
  name: string;
  /**
   * How writers treat a value that arrives as text. `'decimal'` and `'bigint'` stay exact
   * strings; `'json'` is parsed text that NDJSON/JSON writers embed as JSON.
   */
  type?: 'string' | 'number' | 'bigint' | 'decimal' | 'boolean' | 'date' | 'json' | 'binary';
}

/** A row: values in the order of the stream's `columns`. */
export type Row = readonly unknown[];

/** What a RowSource reads for one export. */
export interface SourceQuery {
  tenantId: string;
  /** The export type's name. */
  type: string;
  /** Normalised filters, exactly as hashed into the export id. */
  filters: Readonly<Record<string, unknown>>;
  /** The columns to produce, in output order. */
  columns: readonly string[];
  /** Stop after this many rows (a limit with headroom); the source may read fewer. */
  maxRows?: number;
}

/** An open read: columns known before the first row, then rows in batches. */
export interface RowStream {
  columns: readonly Column[];
  /** Batches of rows in a stable order. Ending iteration early releases the source. */
  batches: AsyncIterable<readonly Row[]>;
}

/** An open read already encoded by the source (e.g. Postgres `COPY ... TO STDOUT`). */
export interface EncodedStream {
  columns: readonly Column[];
  /** Data rows only (no header), in the requested encoding; split by exportkit on row boundaries. */
  chunks: AsyncIterable<Uint8Array>;
}

/** Options for {@link RowSource.openEncoded}. */
export interface EncodedOptions {
  format: 'csv';
  csv: Required<Pick<CsvOptions, 'delimiter' | 'lineEnding'>>;
  signal: AbortSignal;
}

/**
 * Where rows come from. Implementations must yield rows in a stable order (the same query
 * yields the same rows in the same order) so that parts and reruns are reproducible.
 */
export interface RowSource {
  /** Short adapter name used in error messages. */
  readonly name: string;
  /**
   * Opens a read. Must stop promptly and release its resources when `signal` aborts or the
   * consumer stops iterating. Errors while reading are thrown from the iterator.
   */
  open(query: SourceQuery, options: { signal: AbortSignal }): Promise<RowStream>;
  /** A row-count estimate for progress and ETA; `undefined` when unknown. */
  estimateRows?(query: SourceQuery): Promise<number | undefined>;
  /**
   * The encoded fast path, used when no per-row transform is configured. Returns `undefined`
   * when the source cannot produce these options, and exportkit falls back to `open`.
   */
  openEncoded?(query: SourceQuery, options: EncodedOptions): Promise<EncodedStream | undefined>;
}
