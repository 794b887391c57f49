import { postgresRowSource, sql } from '@exportkit/postgres';
import { rowSourceConformance } from '@exportkit/testkit';
import { afterAll, beforeAll } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';

let db: TestDatabase | undefined;
let tables = 0;

beforeAll(async () => {
  db = await openTestDatabase('row_source_conformance');
});
afterAll(() => db?.close());

for (const copy of [true, false]) {
  rowSourceConformance(
    copy ? 'postgres' : 'postgres (copy: false)',
    async (dataset) => {
      if (!db) throw new Error('the test database is not open');
      const { pool } = db;
      const table = `dataset_${++tables}`;
      await pool.query({
        text: `CREATE TABLE ${table} (id int PRIMARY KEY, name text, amount numeric, active boolean)`,
      });
      await pool.query({
        text: `INSERT INTO ${table} SELECT * FROM unnest($1::int[], $2::text[], $3::numeric[], $4::boolean[])`,
        values: [0, 1, 2, 3].map((c) => dataset.rows.map((row) => row[c])),
      });
      const source = postgresRowSource({
        pool,
        copy,
        batchSize: 1000,
        query: (q) => sql`SELECT id, name, amount, active FROM ${sql.identifier(table)}
          WHERE ${q.filters.empty === true} = false ORDER BY id`,
      });
      return {
        source,
        query: { tenantId: 't1', type: 'dataset', filters: {}, columns: [...dataset.columns] },
        emptyQuery: {
          tenantId: 't1',
          type: 'dataset',
          filters: { empty: true },
          columns: [...dataset.columns],
        },
        // Connections checked out of the pool: every read must give its one back.
        openResources: async () => pool.totalCount - pool.idleCount,
        cleanup: async () => {
          await pool.query({ text: `DROP TABLE ${table}` });
        },
      };
    },
    { capabilities: { estimateRows: true, openEncoded: true, openResources: true } },
  );
}
