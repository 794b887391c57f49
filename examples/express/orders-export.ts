import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportTypeDefinition } from '@exportkit/core';
import { memoryRowSource } from '@exportkit/memory';

/**
 * The `orders` export of the demo app: `rowCount` generated orders per tenant, produced in
 * batches with a short pause between them so the progress bar has something to show.
 */
export function ordersExport(rowCount: number, pauseMs: number): ExportTypeDefinition<never> {
  const columns = ['order_id', 'customer', 'placed_at', 'total'];
  const definition: ExportTypeDefinition<Record<string, never>> = {
    name: 'orders',
    columns,
    formats: ['csv', 'ndjson'],
    source: memoryRowSource({
      columns,
      batchSize: 500,
      estimate: rowCount,
      rows: async function* (query) {
        const start = Date.UTC(2026, 0, 1);
        for (let id = 1; id <= rowCount; id++) {
          if (pauseMs > 0 && id % 500 === 0) await sleep(pauseMs);
          yield [
            id,
            `${query.tenantId} customer ${id % 97}, "VIP"`,
            new Date(start + id * 60_000),
            `${id % 1000}.${String(id % 100).padStart(2, '0')}`,
          ];
        }
      },
    }),
    parts: { maxRowsPerPart: Math.ceil(rowCount / 3) },
    // The demo regenerates on every click after a minute, so the progress bar can be watched again.
    maxAgeMs: 60_000,
  };
  return definition as ExportTypeDefinition<never>;
}
