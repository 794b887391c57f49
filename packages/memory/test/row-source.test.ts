import type { SourceQuery } from '@exportkit/core';
import { MemoryRowSource, memoryRowSource } from '@exportkit/memory';
import {
  expectExportkitError,
  type RowSourceFixture,
  rowSourceConformance,
} from '@exportkit/testkit';
import { describe, expect, it } from 'vitest';

const query = (columns: string[], filters: Record<string, unknown> = {}): SourceQuery => ({
  tenantId: 'tenant-a',
  type: 'orders',
  filters,
  columns,
});

const fixtureFor = (source: MemoryRowSource, columns: readonly string[]): RowSourceFixture => ({
  source,
  query: query([...columns]),
  emptyQuery: query([...columns], { empty: true }),
  openResources: async () => source.openReads,
});

rowSourceConformance('memoryRowSource (array rows)', async (dataset) => {
  const source = memoryRowSource({
    rows: (q) => (q.filters.empty ? [] : dataset.rows),
    columns: dataset.columns,
    batchSize: 700,
  });
  return fixtureFor(source, dataset.columns);
});

rowSourceConformance('memoryRowSource (object rows, generated per open)', async (dataset) => {
  const source = memoryRowSource({
    rows: async function* (q) {
      if (q.filters.empty) return;
      // Reversed key order and an extra member: objects are picked by column name.
      for (const [id, name, amount, active] of dataset.rows)
        yield { active, amount, extra: 'x', name, id: BigInt(id) };
    },
    estimate: () => dataset.rows.length,
  });
  return fixtureFor(source, dataset.columns);
});

describe('MemoryRowSource specifics', () => {
  const signal = new AbortController().signal;
  const read = async (source: MemoryRowSource, q: SourceQuery): Promise<unknown[][]> => {
    const rows: unknown[][] = [];
    for await (const batch of (await source.open(q, { signal })).batches)
      rows.push(...batch.map((row) => [...row]));
    return rows;
  };

  it('picks and reorders the requested columns from array rows, keeping type hints', async () => {
    const source = memoryRowSource({
      rows: [
        [1, 'a', true],
        [2, 'b', false],
      ],
      columns: ['id', { name: 'name', type: 'string' }, 'active'],
    });
    const stream = await source.open(query(['active', 'name']), { signal });
    expect(stream.columns).toEqual([{ name: 'active' }, { name: 'name', type: 'string' }]);
    expect(await read(source, query(['active', 'name']))).toEqual([
      [true, 'a'],
      [false, 'b'],
    ]);
  });

  it('turns missing object members into null', async () => {
    const source = memoryRowSource({ rows: [{ id: 1 }] });
    expect(await read(source, query(['id', 'name']))).toEqual([[1, null]]);
  });

  it('refuses a column the rows do not have', async () => {
    const source = memoryRowSource({ rows: [], columns: ['id'] });
    await expectExportkitError(
      () => source.open(query(['id', 'nope']), { signal }),
      'INVALID_CONFIG',
    );
  });

  it('yields batches of batchSize rows and honours maxRows', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => [i]);
    const source = memoryRowSource({ rows, columns: ['n'], batchSize: 10 });
    const stream = await source.open(query(['n']), { signal });
    const sizes: number[] = [];
    for await (const batch of stream.batches) sizes.push(batch.length);
    expect(sizes).toEqual([10, 10, 5]);
    expect(await read(source, { ...query(['n']), maxRows: 12 })).toHaveLength(12);
  });

  it('estimates from the array length, the estimate option, or not at all', async () => {
    expect(await memoryRowSource({ rows: [[1], [2]] }).estimateRows(query(['n']))).toBe(2);
    expect(await memoryRowSource({ rows: [[1]], estimate: 40 }).estimateRows(query(['n']))).toBe(
      40,
    );
    expect(await memoryRowSource({ rows: () => [] }).estimateRows(query(['n']))).toBeUndefined();
  });

  it('a one-shot async iterable serves one open only', async () => {
    const source = memoryRowSource({
      rows: (async function* () {
        yield [1];
      })(),
    });
    expect(await read(source, query(['n']))).toEqual([[1]]);
    expect(await read(source, query(['n']))).toEqual([]);
  });

  it('once aborted reads no further row: sync rows from the next batch, async from the next row', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const sync = memoryRowSource({
      rows: function* () {
        for (let i = 0; i < 10; i++) {
          seen.push(i);
          yield [i];
        }
      },
      batchSize: 4,
    });
    const { batches: syncBatches } = await sync.open(query(['n']), { signal: controller.signal });
    const batches = syncBatches[Symbol.asyncIterator]();
    expect((await batches.next()).value).toEqual([[0], [1], [2], [3]]);
    controller.abort();
    await expectExportkitError(batches.next(), 'CANCELLED');
    expect(seen).toEqual([0, 1, 2, 3]);

    const later = new AbortController();
    const pulled: number[] = [];
    const async = memoryRowSource({
      rows: async function* () {
        for (let i = 0; i < 10; i++) {
          pulled.push(i);
          if (i === 2) later.abort();
          yield [i];
        }
      },
      batchSize: 100,
    });
    const { batches: asyncBatches } = await async.open(query(['n']), { signal: later.signal });
    await expectExportkitError(asyncBatches[Symbol.asyncIterator]().next(), 'CANCELLED');
    expect(pulled).toEqual([0, 1, 2]);
  });

  it('rejects a bad batchSize', () => {
    expect(() => new MemoryRowSource({ rows: [], batchSize: 0 })).toThrow(/batchSize/);
  });
});
