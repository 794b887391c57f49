import type { RowSource } from '@exportkit/core';
import { postgresRowSource, sql } from '@exportkit/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { openCsv, sourceQuery } from './support/read.js';

const app = `ek-abort-${process.pid}`;
let db: TestDatabase;
let source: RowSource;

beforeAll(async () => {
  db = await openTestDatabase('abort', { application_name: app });
  await db.pool.query(`CREATE TABLE big AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 200000) g;
    ALTER TABLE big ADD PRIMARY KEY (id)`);
  source = postgresRowSource({
    pool: db.pool,
    query: () => sql`SELECT id, pad FROM big ORDER BY id`,
  });
});

afterAll(() => db?.close());

/** No connection checked out of the pool, and no query of ours still running on the server. */
async function expectNoLeaks(): Promise<void> {
  await expect.poll(() => db.pool.totalCount - db.pool.idleCount, { timeout: 5000 }).toBe(0);
  const running = async () => {
    const result = await db.pool.query({
      text: `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`,
      values: [app],
    });
    return (result.rows[0] as { n: number }).n;
  };
  await expect.poll(running, { timeout: 5000 }).toBe(0);
}

describe('cursor path', () => {
  it('stops on abort mid-read, throws the abort reason, and returns the connection', async () => {
    const controller = new AbortController();
    const stream = await source.open(sourceQuery(), { signal: controller.signal });
    const iterator = stream.batches[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toHaveLength(1000);
    const reason = new Error('cancelled by test');
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    await expectNoLeaks();
  });

  it('stops a slow query at once on abort, not when its first batch arrives', async () => {
    const slow = postgresRowSource({
      pool: db.pool,
      copy: false,
      query: () => sql`SELECT id, pad FROM big, pg_sleep(3) ORDER BY id`,
    });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled by the test')), 200);
    await expect(slow.open(sourceQuery(), { signal: controller.signal })).rejects.toThrow(
      'cancelled by the test',
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    // The connection is closed; the server notices when the query next writes (here, after
    // pg_sleep), and until then the backend still counts as active.
    await expectNoLeaks();
  });

  it('returns the connection when aborted before the first batch is pulled', async () => {
    const controller = new AbortController();
    await source.open(sourceQuery(), { signal: controller.signal });
    controller.abort();
    await expectNoLeaks();
  });

  it('returns the connection to the pool (not closed) when the consumer stops early', async () => {
    const before = db.pool.totalCount;
    const stream = await source.open(sourceQuery(), { signal: new AbortController().signal });
    for await (const batch of stream.batches) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    await expectNoLeaks();
    expect(db.pool.totalCount).toBe(before);
  });

  it('rejects at once for a signal already aborted', async () => {
    await expect(
      source.open(sourceQuery(), { signal: AbortSignal.abort(new Error('gone')) }),
    ).rejects.toThrow('gone');
    await expectNoLeaks();
  });
});

describe('COPY path', () => {
  it('ends the COPY on abort mid-stream and frees the connection', async () => {
    const controller = new AbortController();
    const stream = await openCsv(source, sourceQuery(), {}, controller.signal);
    const iterator = stream.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const reason = new Error('shutdown');
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    await expectNoLeaks();
  });

  it('frees the connection when aborted before reading', async () => {
    const controller = new AbortController();
    await openCsv(source, sourceQuery(), {}, controller.signal);
    controller.abort();
    await expectNoLeaks();
  });

  it('frees the connection when the consumer stops early', async () => {
    const stream = await openCsv(source, sourceQuery());
    for await (const chunk of stream.chunks) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    await expectNoLeaks();
  });

  it('returns the connection to the pool after a complete read', async () => {
    const before = db.pool.totalCount;
    const stream = await openCsv(source, sourceQuery({}, { maxRows: 10 }));
    for await (const _ of stream.chunks) {
      // drain
    }
    await expectNoLeaks();
    expect(db.pool.totalCount).toBe(before);
  });
});
