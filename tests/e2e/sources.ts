import {
  type Column,
  defineExportType,
  type ExportTypeDefinition,
  type Row,
  type RowSource,
} from '@exportkit/core';
import { memoryRowSource } from '@exportkit/memory';

/** Columns of the test dataset, covering every serialization rule. */
export const columns: Column[] = [
  { name: 'id', type: 'number' },
  { name: 'name', type: 'string' },
  { name: 'amount', type: 'decimal' },
  { name: 'at', type: 'date' },
  { name: 'flag', type: 'boolean' },
  { name: 'big', type: 'bigint' },
  { name: 'meta', type: 'json' },
];

const names = [
  'plain',
  'comma, inside',
  'quote " inside',
  'line\nbreak',
  'crlf\r\nbreak',
  'ünïcødé 🎉',
  '',
  '=1+2',
];

/** Deterministic rows: row i is always the same. */
export function makeRows(count: number): Row[] {
  const rows: Row[] = [];
  for (let i = 1; i <= count; i++) {
    rows.push([
      i,
      `${names[i % names.length]} ${i}`,
      `${i}.${String(i % 100).padStart(2, '0')}`,
      new Date(Date.UTC(2026, 0, 1) + i * 1000),
      i % 3 === 0 ? null : i % 2 === 0,
      BigInt(i) * 10_000_000_000n,
      { i, tags: ['a', 'b'] },
    ]);
  }
  return rows;
}

/** What each row reads back as from CSV (strings, null as empty). */
export function csvValues(row: Row): string[] {
  return row.map((value) => {
    if (value === null || value === undefined) return '';
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  });
}

/** An export type over `count` generated rows (`filters.count` overrides). */
export function rowsType(
  count: number,
  overrides: Partial<ExportTypeDefinition> = {},
): ExportTypeDefinition {
  const all = makeRows(count);
  return defineExportType({
    name: 'items',
    columns,
    source: memoryRowSource({ columns, rows: all, batchSize: 100 }),
    ...overrides,
  });
}

/**
 * A source whose reads can be paused after `pauseAfter` rows: the stand-in for a worker that
 * dies mid-export (it never finishes) or one that is slow enough to be cancelled.
 */
export function pausableSource(
  count: number,
  pauseAfter: number,
): RowSource & { release(): void; reached: Promise<void>; reads: number } {
  const rows = makeRows(count);
  let release!: () => void;
  const released = new Promise<void>((done) => {
    release = done;
  });
  let reached!: () => void;
  const reachedPromise = new Promise<void>((done) => {
    reached = done;
  });
  const source = {
    name: 'pausable',
    reads: 0,
    release,
    reached: reachedPromise,
    async open(_query: unknown, { signal }: { signal: AbortSignal }) {
      const read = ++source.reads;
      return {
        columns,
        batches: (async function* () {
          for (let i = 0; i < rows.length; i += 50) {
            if (read === 1 && i >= pauseAfter) {
              reached();
              await Promise.race([
                released,
                new Promise((_, fail) =>
                  signal.addEventListener('abort', () => fail(signal.reason), { once: true }),
                ),
              ]);
            }
            yield rows.slice(i, i + 50);
          }
        })(),
      };
    },
  };
  return source;
}
