import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineExportType } from '@exportkit/core';
import { LocalDiskObjectStore } from '@exportkit/local-disk';
import { PostgresJobStore, PostgresQueue, postgresRowSource, sql } from '@exportkit/postgres';
import pg from 'pg';

/**
 * What the API process and every worker process share: one PostgreSQL (rows, job records and
 * queue, all in `schema`) and one directory for the files. Nothing else to run.
 */
export interface ExampleSettings {
  databaseUrl: string;
  schema: string;
  dir: string;
  /** Hex secret signing download URLs; the API side needs it, workers do not. */
  secret: string;
  baseUrl: string;
}

/** Reads the settings the launcher passes to worker processes through the environment. */
export function settingsFromEnv(): ExampleSettings {
  return {
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    schema: process.env.EXPORTKIT_SCHEMA ?? 'exportkit_example',
    dir: resolve(process.env.EXPORTKIT_DIR ?? join(tmpdir(), 'exportkit-postgres-example')),
    secret: process.env.EXPORTKIT_SECRET ?? '',
    baseUrl: process.env.EXPORTKIT_BASE_URL ?? 'http://127.0.0.1/files',
  };
}

/** The `orders` export type: one tenant's orders in a date window, read by SQL. */
function ordersExport(pool: pg.Pool, schema: string) {
  return defineExportType({
    name: 'orders',
    columns: ['id', 'customer', 'total', 'status', 'created_at'],
    parseFilters: (input) => {
      const { from, to } = (input ?? {}) as { from?: unknown; to?: unknown };
      if (typeof from !== 'string' || typeof to !== 'string')
        throw new Error('from and to are ISO dates');
      return { from, to };
    },
    source: postgresRowSource({
      pool,
      // Values are bound (cursor path) or inlined as escaped constants (COPY path); the
      // ORDER BY on the primary key keeps parts reproducible.
      query: (q) => sql`SELECT id, customer, total, status, created_at
        FROM ${sql.identifier(schema)}.orders
        WHERE tenant_id = ${q.tenantId} AND created_at >= ${q.filters.from as string}
          AND created_at < ${q.filters.to as string}
        ORDER BY id`,
    }),
    parts: { maxRowsPerPart: 100_000 },
  });
}

/** The adapters, built the same way in every process. `notify` wakes idle workers at once. */
export function adapters(settings: ExampleSettings) {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 10 });
  const store = new LocalDiskObjectStore({
    root: settings.dir,
    ...(settings.secret
      ? { signing: { secret: Buffer.from(settings.secret, 'hex'), baseUrl: settings.baseUrl } }
      : {}),
  });
  const jobStore = new PostgresJobStore({ pool, schema: settings.schema });
  const queue = new PostgresQueue({ pool, schema: settings.schema, notify: true, maxReceives: 5 });
  return { pool, store, jobStore, queue, types: [ordersExport(pool, settings.schema)] };
}

/** Creates `rows` orders for two tenants over 2025 (replacing any from an earlier run). */
export async function seedOrders(pool: pg.Pool, schema: string, rows: number): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS "${schema}".orders;
    CREATE TABLE "${schema}".orders (id bigint PRIMARY KEY, tenant_id text NOT NULL, customer text NOT NULL,
      total numeric(12, 2) NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL);
    INSERT INTO "${schema}".orders
      SELECT g, 'tenant-' || (g % 2), 'Customer "' || (g % 977) || '", Inc.', round((g % 100000) / 7.0, 2),
        (ARRAY['open', 'paid', 'shipped', 'refunded'])[g % 4 + 1],
        timestamptz '2025-01-01 00:00:00+00' + (g % 365) * interval '1 day' + (g % 86400) * interval '1 second'
      FROM generate_series(1, ${Math.trunc(rows)}) g;
    CREATE INDEX ON "${schema}".orders (tenant_id, created_at);
    ANALYZE "${schema}".orders;`);
}
