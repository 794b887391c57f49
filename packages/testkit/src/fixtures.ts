import type {
  JobMessage,
  JobStore,
  ObjectStore,
  Queue,
  RowSource,
  SourceQuery,
} from '@exportkit/core';

/** A fresh adapter for one test, and how to tear it down. */
export interface Fixture {
  /** Releases what the factory opened (connections, temp dirs, queues). */
  cleanup?(): Promise<void>;
}

/** What an ObjectStore adapter's test hands the ObjectStore suite. */
export interface ObjectStoreFixture extends Fixture {
  /** An empty store (or one scoped to a fresh prefix). */
  store: ObjectStore;
  /**
   * Fetches a signed URL as a browser would. Required when `capabilities.signedUrls` is true;
   * defaults to the global `fetch`.
   */
  fetchUrl?(url: string): Promise<{ status: number; body: Uint8Array; headers: Headers }>;
}

/** What a Queue adapter's test hands the Queue suite. */
export interface QueueFixture extends Fixture {
  /** An empty queue. */
  queue: Queue;
  /** The `maxReceives` the queue was created with (the suite drives a message past it). */
  maxReceives: number;
  /** The bodies that reached the dead-letter destination, when `capabilities.deadLetter`. */
  deadLetters(): Promise<JobMessage[]>;
  /**
   * The smallest visibility timeout, in ms, the backend honours (SQS: 1000). The suite waits
   * multiples of it. @defaultValue `200`
   */
  minVisibilityMs?: number;
}

/** What a JobStore adapter's test hands the JobStore suite. */
export interface JobStoreFixture extends Fixture {
  /** An empty store. */
  store: JobStore;
}

/** The rows every RowSource fixture must serve: see {@link conformanceDataset}. */
export interface RowSourceFixture extends Fixture {
  source: RowSource;
  /** A query that yields exactly the dataset's rows, in `id` order. */
  query: SourceQuery;
  /** A query that yields no rows. */
  emptyQuery: SourceQuery;
  /**
   * How many resources (connections checked out, cursors, open reads) the source holds right
   * now. When present, the suite checks it returns to its starting value after every read,
   * including reads ended early by `break` or by aborting.
   */
  openResources?(): Promise<number>;
}

/**
 * The dataset a RowSource fixture loads: `rowCount` rows with columns `id` (1..rowCount,
 * integer), `name` (text with commas, quotes, newlines and unicode), `amount` (exact decimal
 * as text), `active` (boolean or null). Sources may return `id` as number or bigint/string and
 * `amount` as string; the suite compares `String(value)`.
 */
export interface ConformanceDataset {
  columns: readonly ['id', 'name', 'amount', 'active'];
  rows: readonly [number, string, string, boolean | null][];
}

/** Builds the dataset with `rowCount` rows (the suite asks for 2,500: several batches). */
export function conformanceDataset(rowCount: number): ConformanceDataset {
  const names = [
    'plain',
    'has,comma',
    'has "quote"',
    'line\nbreak',
    'crlf\r\nbreak',
    'ünïcødé ✓',
    '',
    ' padded ',
  ];
  const rows: [number, string, string, boolean | null][] = [];
  for (let id = 1; id <= rowCount; id++) {
    const active = id % 3 === 0 ? null : id % 3 === 1;
    rows.push([
      id,
      `${names[id % names.length]}-${id}`,
      `${id}.${String(id % 100).padStart(2, '0')}`,
      active,
    ]);
  }
  return { columns: ['id', 'name', 'amount', 'active'], rows };
}
