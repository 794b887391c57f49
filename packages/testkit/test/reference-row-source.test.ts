import type { EncodedOptions, Row, RowSource, SourceQuery } from '@exportkit/core';
import { type ConformanceDataset, rowSourceConformance } from '@exportkit/testkit';

/**
 * A minimal source with every optional member (estimateRows, openEncoded, a resource count),
 * so the suite's optional groups run here; the memory package covers the common path.
 */
function referenceSource(dataset: ConformanceDataset): { source: RowSource; open: () => number } {
  let open = 0;
  const rowsFor = (query: SourceQuery): readonly Row[] =>
    query.filters.empty ? [] : dataset.rows.slice(0, query.maxRows ?? dataset.rows.length);
  async function* tracked<T>(items: Iterable<T>, signal: AbortSignal): AsyncGenerator<T> {
    open++;
    try {
      for (const item of items) {
        signal.throwIfAborted();
        await Promise.resolve();
        yield item;
      }
    } finally {
      open--;
    }
  }
  const source: RowSource = {
    name: 'reference',
    async open(query, { signal }) {
      signal.throwIfAborted();
      const rows = rowsFor(query);
      const batches: Row[][] = [];
      for (let i = 0; i < rows.length; i += 400) batches.push(rows.slice(i, i + 400));
      return {
        columns: dataset.columns.map((name) => ({ name })),
        batches: tracked(batches, signal),
      };
    },
    async estimateRows(query) {
      return rowsFor(query).length;
    },
    async openEncoded(query, options: EncodedOptions) {
      const { delimiter, lineEnding } = options.csv;
      const eol = lineEnding === 'crlf' ? '\r\n' : '\n';
      const field = (value: unknown): string => {
        const text = value === null ? '' : String(value);
        return /["\r\n]/.test(text) || text.includes(delimiter)
          ? `"${text.replaceAll('"', '""')}"`
          : text;
      };
      const lines = rowsFor(query).map((row) =>
        new TextEncoder().encode(row.map(field).join(delimiter) + eol),
      );
      return {
        columns: dataset.columns.map((name) => ({ name })),
        chunks: tracked(lines, options.signal),
      };
    },
  };
  return { source, open: () => open };
}

rowSourceConformance('reference source with every optional member', async (dataset) => {
  const { source, open } = referenceSource(dataset);
  const query: SourceQuery = {
    tenantId: 't',
    type: 'orders',
    filters: {},
    columns: [...dataset.columns],
  };
  return {
    source,
    query,
    emptyQuery: { ...query, filters: { empty: true } },
    openResources: async () => open(),
  };
});
