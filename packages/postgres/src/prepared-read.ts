import type { PoolLike } from './pg-like.js';

/** One export's query, checked and with its parameters as text, ready for either read path. */
export interface PreparedRead {
  pool: PoolLike;
  /** The SQL with `$n` placeholders (cursor path, describe, EXPLAIN). */
  text: string;
  /** The parameters as PostgreSQL text (see `parameterText`). */
  values: (string | null)[];
  /** The SQL with every value inlined as a quoted constant (COPY path). */
  inlined(): string;
  /** The source query's `maxRows`, if any. */
  maxRows?: number;
}
