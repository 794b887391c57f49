import { type Column, defineExportType, type ExportTypeDefinition } from '@exportkit/core';
import { memoryRowSource } from '@exportkit/memory';

const countries = ['DE', 'FR', 'US', 'JP', 'BR', 'IN'];
const statuses = ['paid', 'shipped', 'refunded', 'open'];

/** Columns of the example's `orders` export. */
export const orderColumns: Column[] = [
  { name: 'order_id', type: 'number' },
  { name: 'customer', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'amount', type: 'decimal' },
  { name: 'placed_at', type: 'date' },
  { name: 'status', type: 'string' },
];

/** Deterministic rows per tenant: the stand-in for `SELECT ... FROM orders WHERE tenant = $1`. */
function* orders(tenantId: string, count: number): Generator<unknown[]> {
  const start = Date.UTC(2026, 0, 1);
  for (let id = 1; id <= count; id++) {
    yield [
      id,
      `${tenantId}-customer-${(id * 7919) % 5_000}`,
      countries[id % countries.length],
      `${(id * 37) % 10_000}.${String(id % 100).padStart(2, '0')}`,
      new Date(start + id * 61_000),
      statuses[id % statuses.length],
    ];
  }
}

/** The `orders` export type; `filters.rows` says how many rows to produce. */
export function ordersExport(): ExportTypeDefinition {
  return defineExportType({
    name: 'orders',
    columns: orderColumns,
    source: memoryRowSource({
      columns: orderColumns,
      rows: (query) => orders(query.tenantId, Number(query.filters.rows)),
      estimate: (query) => Number(query.filters.rows),
    }),
    parseFilters: (input) => {
      const rows = (input as { rows?: unknown }).rows ?? 50_000;
      if (!Number.isInteger(rows) || (rows as number) < 0 || (rows as number) > 5_000_000) {
        throw new Error('`rows` must be an integer from 0 to 5,000,000');
      }
      return { rows: rows as number };
    },
    parts: { maxRowsPerPart: 100_000 },
    urlTtlMs: 15 * 60_000,
  });
}
