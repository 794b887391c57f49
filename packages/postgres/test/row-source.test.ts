import type { RowSource } from '@exportkit/core';
import { postgresRowSource, sql } from '@exportkit/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { openCsv, readAll, readText, sourceQuery } from './support/read.js';

let db: TestDatabase;
let source: RowSource;

beforeAll(async () => {
  db = await openTestDatabase('row_source');
  await db.pool.query(`
    CREATE TABLE items (id int PRIMARY KEY, tenant_id text NOT NULL, name text, amount numeric, big bigint,
      active boolean, at timestamptz, day date, doc jsonb, bin bytea, tags text[]);
    INSERT INTO items SELECT g, CASE WHEN g % 2 = 0 THEN 't1' ELSE 't2' END, 'name ' || g, (g || '.50')::numeric, g * 10000000000,
      g % 3 = 0, timestamptz '2024-01-02 03:04:05.678+00' + g * interval '1 day', date '2024-03-01' + g,
      jsonb_build_object('n', g), decode('00ff' || lpad(to_hex(g), 4, '0'), 'hex'), ARRAY['a', 'b,' || g]
    FROM generate_series(1, 2500) g;
    ANALYZE items;
    CREATE FUNCTION noisy(n int) RETURNS int LANGUAGE plpgsql AS $$
      BEGIN RAISE NOTICE 'row %', n; RETURN n; END $$;
  `);
  source = postgresRowSource({
    pool: db.pool,
    query: (q) => sql`SELECT id, name, amount, big, active, at, day, doc, bin, tags FROM items
      WHERE tenant_id = ${q.tenantId} AND id >= ${(q.filters.from as number | undefined) ?? 0} ORDER BY id`,
  });
});

afterAll(() => db?.close());

describe('cursor path', () => {
  it('reads every row in order, in batches of batchSize, with typed columns', async () => {
    const stream = await source.open(sourceQuery(), { signal: new AbortController().signal });
    expect(stream.columns).toEqual([
      { name: 'id', type: 'number' },
      { name: 'name', type: 'string' },
      { name: 'amount', type: 'decimal' },
      { name: 'big', type: 'bigint' },
      { name: 'active', type: 'boolean' },
      { name: 'at', type: 'date' },
      { name: 'day', type: 'date' },
      { name: 'doc', type: 'json' },
      { name: 'bin', type: 'binary' },
      { name: 'tags', type: 'string' },
    ]);
    const sizes: number[] = [];
    const rows = [];
    for await (const batch of stream.batches) {
      sizes.push(batch.length);
      rows.push(...batch);
    }
    expect(sizes).toEqual([1000, 250]);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 1250 }, (_, i) => (i + 1) * 2));
    expect(rows[0]).toEqual([
      2,
      'name 2',
      '2.50',
      '20000000000',
      false,
      new Date('2024-01-04T03:04:05.678Z'),
      '2024-03-03',
      '{"n": 2}',
      Buffer.from('00ff0002', 'hex'),
      '{a,"b,2"}',
    ]);
  });

  it('binds filter values and honours maxRows', async () => {
    const stream = await source.open(sourceQuery({ from: 2000 }, { maxRows: 10 }), {
      signal: new AbortController().signal,
    });
    const rows = await readAll(stream);
    expect(rows.map((r) => r[0])).toEqual([
      2000, 2002, 2004, 2006, 2008, 2010, 2012, 2014, 2016, 2018,
    ]);
  });

  it('opens an empty result with its columns', async () => {
    const stream = await source.open(sourceQuery({ from: 99_999 }), {
      signal: new AbortController().signal,
    });
    expect(stream.columns).toHaveLength(10);
    expect(await readAll(stream)).toEqual([]);
  });
});

describe('COPY path', () => {
  it('streams data rows only, with values written as core writes them', async () => {
    const text = await readText(await openCsv(source, sourceQuery({ from: 2000 }, { maxRows: 2 })));
    expect(text).toBe(
      [
        '2000,name 2000,2000.50,20000000000000,false,2029-06-24T03:04:05.678Z,2029-08-22,"{""n"": 2000}",AP8H0A==,"{a,""b,2000""}"',
        '2002,name 2002,2002.50,20020000000000,false,2029-06-26T03:04:05.678Z,2029-08-24,"{""n"": 2002}",AP8H0g==,"{a,""b,2002""}"',
        '',
      ].join('\n'),
    );
  });

  it("with copyValues 'native', writes PostgreSQL's own text at full COPY speed", async () => {
    const native = postgresRowSource({
      pool: db.pool,
      copyValues: 'native',
      query: (q) =>
        sql`SELECT id, active, at, bin FROM items WHERE id >= ${q.filters.from as number} ORDER BY id`,
    });
    const text = await readText(await openCsv(native, sourceQuery({ from: 2000 }, { maxRows: 1 })));
    expect(text).toBe('2000,f,2029-06-24 03:04:05.678+00,\\x00ff07d0\n');
  });

  it('maps the delimiter and rewrites row ends to CRLF outside quotes only', async () => {
    const crlf = postgresRowSource({
      pool: db.pool,
      query: () =>
        sql`SELECT * FROM (VALUES (1, E'a\nb', 'x;y'), (2, 'c', 'd')) v(id, t, u) ORDER BY id`,
    });
    const text = await readText(
      await openCsv(crlf, sourceQuery(), { delimiter: ';', lineEnding: 'crlf' }),
    );
    expect(text).toBe('1;"a\nb";"x;y"\r\n2;c;d\r\n');
  });

  it('fails with the server error raised mid-COPY, and the pool reads on', async () => {
    // Division by zero at id 2000, after ~2,000 rows have been sent.
    const failing = postgresRowSource({
      pool: db.pool,
      query: () => sql`SELECT id, 1 / (2000 - id) AS x FROM items ORDER BY id`,
    });
    await expect(readText(await openCsv(failing, sourceQuery()))).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      message: expect.stringContaining('division by zero'),
    });
    expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
    expect((await db.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('fails with a clear SOURCE_ERROR, leaking nothing, when pg is not the only socket reader', async () => {
    const spied = db.newPool();
    spied.on('connect', (client) => {
      (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream.on(
        'data',
        () => undefined,
      );
    });
    try {
      const spiedSource = postgresRowSource({
        pool: spied,
        query: () => sql`SELECT id FROM items ORDER BY id`,
      });
      await expect(readText(await openCsv(spiedSource, sourceQuery()))).rejects.toMatchObject({
        code: 'SOURCE_ERROR',
        message: expect.stringContaining('copy: false'),
      });
      expect(spied.totalCount - spied.idleCount).toBe(0);
    } finally {
      await spied.end();
    }
  });

  it('skips notices the server sends between rows', async () => {
    const noisy = postgresRowSource({
      pool: db.pool,
      query: () => sql`SELECT noisy(id) AS id FROM items WHERE id <= 300 ORDER BY id`,
    });
    const text = await readText(await openCsv(noisy, sourceQuery()));
    expect(text).toBe(Array.from({ length: 300 }, (_, i) => `${i + 1}\n`).join(''));
    expect((await db.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('declines what COPY cannot express, so core uses the cursor path', async () => {
    const options = { format: 'csv' as const, signal: new AbortController().signal };
    expect(
      await source.openEncoded?.(sourceQuery(), {
        ...options,
        csv: { delimiter: '€', lineEnding: 'lf' },
      }),
    ).toBeUndefined();
    const noCopy = postgresRowSource({
      pool: db.pool,
      copy: false,
      query: () => sql`SELECT 1 AS a ORDER BY 1`,
    });
    expect(
      await noCopy.openEncoded?.(sourceQuery(), {
        ...options,
        csv: { delimiter: ',', lineEnding: 'lf' },
      }),
    ).toBeUndefined();
  });
});

describe('query checks', () => {
  it('rejects a query without a top-level ORDER BY unless unordered is set', async () => {
    const signal = new AbortController().signal;
    const unordered = (flag?: boolean) =>
      postgresRowSource({
        pool: db.pool,
        unordered: flag,
        // ORDER BY inside a window, a subquery, a string and a comment does not count.
        query:
          () => sql`SELECT id, row_number() OVER (ORDER BY id) AS n, 'order by' AS s -- order by
          FROM (SELECT id FROM items ORDER BY id LIMIT 3) x`,
      });
    await expect(unordered().open(sourceQuery(), { signal })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    expect(await readAll(await unordered(true).open(sourceQuery(), { signal }))).toHaveLength(3);
  });

  it('rejects a value placed inside a quoted string or comment of the SQL', async () => {
    const quoted = postgresRowSource({
      pool: db.pool,
      query: (q) => sql`SELECT id FROM items WHERE name LIKE '%${q.tenantId}%' ORDER BY id`,
    });
    await expect(openCsv(quoted, sourceQuery())).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('estimates rows from the planner, capped by maxRows', async () => {
    const estimate = await source.estimateRows?.(sourceQuery());
    expect(estimate).toBeGreaterThan(100);
    expect(await source.estimateRows?.(sourceQuery({}, { maxRows: 5 }))).toBe(5);
  });

  it('reports an SQL error as a non-retryable SOURCE_ERROR on both paths', async () => {
    const broken = postgresRowSource({
      pool: db.pool,
      query: () => sql`SELECT nope FROM items ORDER BY 1`,
    });
    await expect(
      broken.open(sourceQuery(), { signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      retryable: false,
    });
    await expect(openCsv(broken, sourceQuery())).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      retryable: false,
    });
    expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
  });
});
