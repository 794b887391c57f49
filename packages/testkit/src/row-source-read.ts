import type { Row, RowSource, SourceQuery } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { RowSourceFixture } from './fixtures.js';
import { expectDatasetRows, type NormalizedRow, normalizeRow } from './row-compare.js';
import type { ResolvedRowSourceSuiteOptions } from './row-source.js';

/** open: columns, every row in order, stable across opens, the empty query, maxRows. */
export function rowSourceReadTests(
  factory: () => Promise<RowSourceFixture>,
  options: ResolvedRowSourceSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  const { dataset } = options;
  describe('reading rows', () => {
    const fixture = useFixture(factory);

    it('reports the dataset columns, in order, before the first row', { timeout }, async () => {
      const { source, query } = fixture();
      const stream = await source.open(query, { signal: new AbortController().signal });
      expect(stream.columns.map((column) => column.name)).toEqual([...dataset.columns]);
      await readRows(stream.batches);
    });

    it(`yields all ${dataset.rows.length} rows in id order, one value per column`, {
      timeout,
    }, async () => {
      const { source, query } = fixture();
      const rows = await readQuery(source, query);
      const short = rows.findIndex((row) => row.length !== dataset.columns.length);
      expect(short, `row ${short} has ${rows[short]?.length} values`).toBe(-1);
      expectDatasetRows(rows.map(normalizeRow), dataset);
    });

    it('two opens of one query yield identical rows (stable order)', { timeout }, async () => {
      const { source, query } = fixture();
      const first = (await readQuery(source, query)).map(normalizeRow);
      const second = (await readQuery(source, query)).map(normalizeRow);
      expect(second.length).toBe(first.length);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    });

    it('two reads open at once each yield every row', { timeout }, async () => {
      const { source, query } = fixture();
      const signal = new AbortController().signal;
      const [a, b] = await Promise.all([
        source.open(query, { signal }),
        source.open(query, { signal }),
      ]);
      const [rowsA, rowsB] = await Promise.all([readRows(a.batches), readRows(b.batches)]);
      expectDatasetRows(rowsA.map(normalizeRow), dataset);
      expectDatasetRows(rowsB.map(normalizeRow), dataset);
    });

    it('the empty query reports the columns and yields no rows', { timeout }, async () => {
      const { source, emptyQuery } = fixture();
      const stream = await source.open(emptyQuery, { signal: new AbortController().signal });
      expect(stream.columns.map((column) => column.name)).toEqual([...dataset.columns]);
      expect(await readRows(stream.batches)).toEqual([]);
    });

    it('maxRows stops the read after that many rows (or fewer)', { timeout }, async () => {
      const { source, query } = fixture();
      const rows: NormalizedRow[] = (await readQuery(source, { ...query, maxRows: 10 })).map(
        normalizeRow,
      );
      expect(rows.length).toBeLessThanOrEqual(10);
      expect(rows).toEqual(dataset.rows.slice(0, rows.length).map(normalizeRow));
    });
  });
}

async function readQuery(source: RowSource, query: SourceQuery): Promise<Row[]> {
  const stream = await source.open(query, { signal: new AbortController().signal });
  return readRows(stream.batches);
}

async function readRows(batches: AsyncIterable<readonly Row[]>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of batches) rows.push(...batch);
  return rows;
}
