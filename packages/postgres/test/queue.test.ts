import type { ReceivedMessage } from '@exportkit/core';
import { migrate, PostgresQueue } from '@exportkit/postgres';
import { makeJobMessage, queueConformance } from '@exportkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';

let db: TestDatabase | undefined;
let tables = 0;

beforeAll(async () => {
  db = await openTestDatabase('queue', { max: 12 });
});
afterAll(() => db?.close());

const capabilities = { delay: true, dedup: true, deadLetter: true };

/** A queue on a fresh table in this file's schema. */
async function freshQueue(
  options: { notify?: boolean; maxReceives?: number; pollIntervalMs?: number } = {},
) {
  if (!db) throw new Error('the test database is not open');
  const table = `queue_${++tables}`;
  await migrate(db.pool, { schema: db.schema, jobsTable: `jobs_${tables}`, queueTable: table });
  return new PostgresQueue({
    pool: db.pool,
    schema: db.schema,
    table,
    maxReceives: 3,
    pollIntervalMs: 50,
    ...options,
  });
}

for (const notify of [false, true]) {
  queueConformance(
    notify ? 'postgres (LISTEN/NOTIFY)' : 'postgres (polling)',
    async () => {
      const queue = await freshQueue({ notify, pollIntervalMs: notify ? 1000 : 50 });
      return {
        queue,
        maxReceives: 3,
        deadLetters: () => queue.deadLetters(),
        cleanup: () => queue.close(),
        minVisibilityMs: 100,
      };
    },
    { capabilities },
  );
}

describe('PostgresQueue', () => {
  it('4 concurrent consumers share 2,000 messages and ack each exactly once', {
    timeout: 60_000,
  }, async () => {
    const queue = await freshQueue({ notify: true, pollIntervalMs: 200 });
    const messages = Array.from({ length: 2000 }, () => makeJobMessage());
    await db!.pool.query({
      text: `INSERT INTO "${db!.schema}"."queue_${tables}" (tenant_id, export_id) SELECT * FROM unnest($1::text[], $2::text[])`,
      values: [messages.map((m) => m.tenantId), messages.map((m) => m.exportId)],
    });
    const acked: string[][] = [[], [], [], []];
    await Promise.all(
      acked.map(async (mine) => {
        for (;;) {
          const batch = await queue.receive({
            maxMessages: 10,
            visibilityTimeoutMs: 30_000,
            waitTimeMs: 300,
          });
          if (batch.length === 0) return;
          for (const message of batch) {
            await queue.ack(message);
            mine.push(message.body.exportId);
          }
        }
      }),
    );
    const all = acked.flat();
    expect(all).toHaveLength(2000);
    expect(new Set(all).size).toBe(2000);
    for (const mine of acked) expect(mine.length).toBeGreaterThan(100);
    const left = await db!.pool.query(
      `SELECT count(*)::int AS n FROM "${db!.schema}"."queue_${tables}"`,
    );
    expect(left.rows[0]).toEqual({ n: 0 });
    await queue.close();
  });

  it('with notify, a long poll wakes on NOTIFY long before its next poll', async () => {
    const queue = await freshQueue({ notify: true, pollIntervalMs: 10_000 });
    await queue.receive({ visibilityTimeoutMs: 100, waitTimeMs: 50 }); // opens the LISTEN connection
    const started = Date.now();
    const receiving = queue.receive({ visibilityTimeoutMs: 1000, waitTimeMs: 8000 });
    setTimeout(() => void queue.send(makeJobMessage()), 100);
    expect(await receiving).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1500);
    await queue.close();
  });

  it('a stale receipt cannot ack, nack or extend a newer delivery', async () => {
    const queue = await freshQueue();
    await queue.send(makeJobMessage());
    const [first] = await queue.receive({ visibilityTimeoutMs: 50, waitTimeMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const [second] = await queue.receive({ visibilityTimeoutMs: 10_000, waitTimeMs: 1000 });
    expect(second?.receiveCount).toBe(2);
    await queue.ack(first as ReceivedMessage);
    await queue.nack(first as ReceivedMessage);
    await expect(queue.extendLease(first as ReceivedMessage, 1000)).rejects.toMatchObject({
      code: 'QUEUE_ERROR',
      retryable: false,
    });
    expect(await queue.receive({ visibilityTimeoutMs: 100, waitTimeMs: 0 })).toEqual([]);
    await queue.extendLease(second!, 5000);
    await queue.ack(second!);
  });

  it('dedup applies only while a message waits: after its first delivery a new one is queued', async () => {
    const queue = await freshQueue();
    const message = makeJobMessage();
    await queue.send(message, { dedupId: 'same' });
    const [first] = await queue.receive({ visibilityTimeoutMs: 10_000, waitTimeMs: 1000 });
    await queue.send(message, { dedupId: 'same' });
    const [second] = await queue.receive({ visibilityTimeoutMs: 10_000, waitTimeMs: 1000 });
    expect(second?.body).toEqual(message);
    expect(second?.receipt).not.toBe(first?.receipt);
  });

  it('a receipt from elsewhere is rejected', async () => {
    const queue = await freshQueue();
    await expect(
      queue.ack({ body: makeJobMessage(), receipt: '1; drop table x', receiveCount: 1 }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});
