import { type Column, defineExportType, type ExportTypeDefinition } from '@exportkit/core';
import { memoryRowSource } from '@exportkit/memory';

const countries = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'NG', 'SE'];
const statuses = ['paid', 'shipped', 'refunded', 'open'];
const notes = [
  '',
  'gift wrap',
  'leave at door, ring twice',
  'said "fragile"',
  'Zürich → Genève',
  '=HYPERLINK("x")',
];

/** The columns of the demo's `orders` export, with type hints for the writers. */
export const orderColumns: Column[] = [
  { name: 'order_id', type: 'number' },
  { name: 'customer', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'amount', type: 'decimal' },
  { name: 'placed_at', type: 'date' },
  { name: 'status', type: 'string' },
  { name: 'items', type: 'json' },
  { name: 'note', type: 'string' },
];

/** Deterministic order rows: the same `count` always yields the same rows in the same order. */
export function* generateOrders(count: number): Generator<unknown[]> {
  const start = Date.UTC(2026, 0, 1);
  for (let id = 1; id <= count; id++) {
    yield [
      id,
      `customer-${(id * 7919) % 50_000}`,
      countries[id % countries.length],
      `${(id * 37) % 100_000}.${String(id % 100).padStart(2, '0')}`,
      new Date(start + id * 61_000),
      statuses[id % statuses.length],
      { sku: `SKU-${id % 997}`, quantity: (id % 5) + 1 },
      notes[id % notes.length],
    ];
  }
}

/** The `orders` export type: `filters.rows` says how many rows to generate (the demo's stand-in for a query). */
export function ordersExport(defaultRows: number): ExportTypeDefinition {
  return defineExportType({
    name: 'orders',
    columns: orderColumns,
    source: memoryRowSource({
      columns: orderColumns,
      rows: (query) => generateOrders(Number(query.filters.rows)),
      estimate: (query) => Number(query.filters.rows),
    }),
    parseFilters: (input) => {
      const rows = (input as { rows?: unknown }).rows ?? defaultRows;
      if (!Number.isInteger(rows) || (rows as number) < 0 || (rows as number) > 10_000_000) {
        throw new Error('`rows` must be an integer from 0 to 10,000,000');
      }
      return { rows: rows as number };
    },
    parts: { maxRowsPerPart: 100_000 },
    urlTtlMs: 15 * 60_000,
  });
}
