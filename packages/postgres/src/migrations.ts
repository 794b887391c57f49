import { jobStatuses } from '@exportkit/core';
import { quoteIdentifier } from './identifiers.js';
import { wrapPgError } from './pg-error.js';
import type { PoolLike } from './pg-like.js';

/** Where the tables live. */
export interface TableNames {
  /** @defaultValue `'exportkit'` */
  schema?: string;
  /** @defaultValue `'jobs'` */
  jobsTable?: string;
  /** @defaultValue `'queue'` */
  queueTable?: string;
}

/** One migration as SQL: `up` creates, `down` drops. Both are idempotent. */
export interface Migration {
  name: string;
  up: string;
  down: string;
}

/** Statuses a job is worked on in; the partial index covers only these (a small, hot set). */
const activeStatuses = ['queued', 'running'];

/** The SQL migrations for the job store and the queue, for the given names. */
export function postgresMigrations(names: TableNames = {}): Migration[] {
  const schema = quoteIdentifier(names.schema ?? 'exportkit', 'schema');
  const jobsName = names.jobsTable ?? 'jobs';
  const queueName = names.queueTable ?? 'queue';
  const jobs = `${schema}.${quoteIdentifier(jobsName, 'table')}`;
  const queue = `${schema}.${quoteIdentifier(queueName, 'table')}`;
  const index = (table: string, suffix: string): string =>
    quoteIdentifier(`${table}_${suffix}`, 'index');
  const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');
  return [
    {
      name: '001_jobs',
      up: `CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${jobs} (
  tenant_id text NOT NULL,
  export_id text NOT NULL,
  -- Mirrors core's jobStatuses, so a record no version of exportkit knows cannot be stored.
  status text NOT NULL CHECK (status IN (${list(jobStatuses)})),
  fence text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The whole JobRecord; the columns above are copies kept for indexes and compare-and-set.
  record jsonb NOT NULL,
  PRIMARY KEY (tenant_id, export_id)
);
CREATE INDEX IF NOT EXISTS ${index(jobsName, 'tenant_created_idx')} ON ${jobs} (tenant_id, created_at DESC, export_id DESC);
CREATE INDEX IF NOT EXISTS ${index(jobsName, 'created_idx')} ON ${jobs} (created_at DESC, export_id DESC);
CREATE INDEX IF NOT EXISTS ${index(jobsName, 'active_idx')} ON ${jobs} (status, updated_at) WHERE status IN (${list(activeStatuses)});`,
      down: `DROP TABLE IF EXISTS ${jobs};`,
    },
    {
      name: '002_queue',
      up: `CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${queue} (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL,
  export_id text NOT NULL,
  dedup_id text,
  -- When the message may be received next: send time plus delay, or lease end while in flight.
  visible_at timestamptz NOT NULL DEFAULT now(),
  receive_count integer NOT NULL DEFAULT 0,
  -- Changes on every receive, so a stale holder cannot ack, nack or extend a newer delivery.
  receipt uuid,
  sent_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the message went past maxReceives: kept as a dead letter, never delivered again.
  dead_at timestamptz
);
CREATE INDEX IF NOT EXISTS ${index(queueName, 'ready_idx')} ON ${queue} (visible_at, id) WHERE dead_at IS NULL;
-- Dedup while waiting: a second message with the same dedup id collapses into one never delivered.
CREATE UNIQUE INDEX IF NOT EXISTS ${index(queueName, 'dedup_idx')} ON ${queue} (dedup_id) WHERE receive_count = 0 AND dedup_id IS NOT NULL;`,
      down: `DROP TABLE IF EXISTS ${queue};`,
    },
  ];
}

/**
 * Applies every migration's `up` in one transaction, under an advisory lock so that workers
 * starting together do not race. Safe to run at every start.
 */
export async function migrate(pool: PoolLike, names: TableNames = {}): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query({ text: 'BEGIN' });
    await client.query({ text: "SELECT pg_advisory_xact_lock(hashtext('exportkit.migrate'))" });
    for (const migration of postgresMigrations(names)) await client.query({ text: migration.up });
    await client.query({ text: 'COMMIT' });
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw wrapPgError(error, 'JOB_STORE_ERROR', 'Migrating');
  }
}

/** Applies every migration's `down`, newest first: drops the tables (not the schema). */
export async function migrateDown(pool: PoolLike, names: TableNames = {}): Promise<void> {
  const down = postgresMigrations(names)
    .reverse()
    .map((m) => m.down)
    .join('\n');
  try {
    await pool.query({ text: down });
  } catch (error) {
    throw wrapPgError(error, 'JOB_STORE_ERROR', 'Migrating down');
  }
}
