import { migrate, migrateDown, PostgresJobStore, postgresMigrations } from '@exportkit/postgres';
import { jobStoreConformance, makeJobRecord } from '@exportkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';

let db: TestDatabase | undefined;
let tables = 0;

beforeAll(async () => {
  db = await openTestDatabase('job_store');
});
afterAll(() => db?.close());

/** A store on a fresh table in this file's schema. */
async function freshStore(): Promise<{ store: PostgresJobStore; table: string }> {
  if (!db) throw new Error('the test database is not open');
  const table = `jobs_${++tables}`;
  await migrate(db.pool, { schema: db.schema, jobsTable: table, queueTable: `queue_${tables}` });
  return { store: new PostgresJobStore({ pool: db.pool, schema: db.schema, table }), table };
}

jobStoreConformance(
  'postgres',
  async () => {
    const { store } = await freshStore();
    return { store };
  },
  { capabilities: { atomicTransitions: true } },
);

describe('PostgresJobStore', () => {
  it('rejects a status outside core jobStatuses at the database (CHECK constraint)', async () => {
    const { store } = await freshStore();
    const job = { ...makeJobRecord(), status: 'paused' } as unknown as ReturnType<
      typeof makeJobRecord
    >;
    await expect(store.create(job)).rejects.toMatchObject({
      code: 'JOB_STORE_ERROR',
      retryable: false,
    });
  });

  it('lists through the (tenant_id, created_at desc, export_id desc) index', async () => {
    const { store, table } = await freshStore();
    for (let i = 0; i < 50; i++) await store.create(makeJobRecord({ tenantId: `tenant-${i % 5}` }));
    const plan =
      await db!.pool.query(`SET enable_seqscan = off; EXPLAIN SELECT record FROM "${db!.schema}"."${table}"
      WHERE tenant_id = 'tenant-1' ORDER BY created_at DESC, export_id DESC LIMIT 10`);
    const text = (plan as unknown as { rows: { 'QUERY PLAN': string }[] }[])[1]!.rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(text).toContain(`${table}_tenant_created_idx`);
    await db!.pool.query('RESET enable_seqscan');
  });

  it('says to run the migration when the table is missing', async () => {
    const store = new PostgresJobStore({ pool: db!.pool, schema: db!.schema, table: 'missing' });
    await expect(store.get({ tenantId: 't', exportId: 'x' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('migrate(pool)'),
    });
  });

  it('rejects a malformed cursor and unsafe table names', async () => {
    const { store } = await freshStore();
    await expect(store.list({ cursor: 'nope' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(
      () => new PostgresJobStore({ pool: db!.pool, table: 'jobs"; drop table x; --' }),
    ).toThrow(/not allowed/);
  });

  it('migrations are idempotent and the down migration drops the tables', async () => {
    const names = { schema: db!.schema, jobsTable: 'mig_jobs', queueTable: 'mig_queue' };
    await migrate(db!.pool, names);
    await migrate(db!.pool, names);
    expect(postgresMigrations(names).map((m) => m.name)).toEqual(['001_jobs', '002_queue']);
    await migrateDown(db!.pool, names);
    const left = await db!.pool.query({
      text: `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'mig_%'`,
      values: [db!.schema],
    });
    expect(left.rows[0]).toEqual({ n: 0 });
  });
});
