import {
  ExportkitError,
  type JobKey,
  type JobPage,
  type JobRecord,
  type JobStore,
  type JobStoreCapabilities,
  type ListJobsQuery,
  type TransitionExpectation,
} from '@exportkit/core';
import { quoteIdentifier } from './identifiers.js';
import { wrapPgError } from './pg-error.js';
import type { PoolLike } from './pg-like.js';

/** Options for {@link PostgresJobStore}. */
export interface PostgresJobStoreOptions {
  /** A `pg.Pool`; the store never ends it. */
  pool: PoolLike;
  /** @defaultValue `'exportkit'` */
  schema?: string;
  /** @defaultValue `'jobs'` */
  table?: string;
}

/**
 * Job records in one PostgreSQL table (see `postgresMigrations`): the record as jsonb beside
 * the columns that are indexed or compared. `create` and `transition` are single atomic
 * statements, and `list` pages by keyset on (created_at, export_id), newest first.
 */
export class PostgresJobStore implements JobStore {
  readonly name = 'postgres';
  readonly capabilities: JobStoreCapabilities = { atomicTransitions: true };
  private readonly pool: PoolLike;
  private readonly table: string;

  constructor(options: PostgresJobStoreOptions) {
    this.pool = options.pool;
    this.table = `${quoteIdentifier(options.schema ?? 'exportkit', 'schema')}.${quoteIdentifier(options.table ?? 'jobs', 'table')}`;
  }

  async create(job: JobRecord): Promise<{ created: boolean; job: JobRecord }> {
    // ON CONFLICT DO NOTHING makes concurrent creates of one key race safely: one inserts, the
    // others read the winner. A delete between the two statements is retried once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted = await this.run('Creating a job', {
        text: `INSERT INTO ${this.table} (tenant_id, export_id, status, fence, created_at, updated_at, record)
          VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, export_id) DO NOTHING`,
        values: columnValues(job),
      });
      if (inserted.rowCount === 1) return { created: true, job: structuredClone(job) };
      const existing = await this.get(job);
      if (existing) return { created: false, job: existing };
    }
    throw new ExportkitError(
      'CONFLICT',
      `[exportkit] [postgres] Job ${job.exportId} kept changing while being created; retry.`,
    );
  }

  async get(key: JobKey): Promise<JobRecord | undefined> {
    const result = await this.run('Reading a job', {
      text: `SELECT record FROM ${this.table} WHERE tenant_id = $1 AND export_id = $2`,
      values: [key.tenantId, key.exportId],
    });
    return (result.rows[0] as { record: JobRecord } | undefined)?.record;
  }

  async transition(
    key: JobKey,
    expected: TransitionExpectation,
    next: JobRecord,
  ): Promise<boolean> {
    assertSameKey(key, next);
    const result = await this.run('Updating a job', {
      text: `UPDATE ${this.table} SET status = $3, fence = $4, created_at = $5, updated_at = $6, record = $7
        WHERE tenant_id = $1 AND export_id = $2 AND status = $8 AND fence IS NOT DISTINCT FROM $9`,
      values: [...columnValues(next), expected.status, expected.fence ?? null],
    });
    return result.rowCount === 1;
  }

  async list(query: ListJobsQuery): Promise<JobPage> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new ExportkitError(
        'INVALID_REQUEST',
        '[exportkit] [postgres] list limit must be an integer from 1 to 1000.',
        {
          details: { limit },
        },
      );
    }
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.tenantId !== undefined) where.push(`tenant_id = ${param(query.tenantId)}`);
    if (query.status) where.push(`status = ANY(${param(query.status)}::text[])`);
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      where.push(
        `(created_at, export_id) < (${param(after.createdAt)}::timestamptz, ${param(after.exportId)})`,
      );
    }
    const result = await this.run('Listing jobs', {
      text: `SELECT record FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, export_id DESC LIMIT ${limit + 1}`,
      values,
    });
    const items = (result.rows as { record: JobRecord }[]).map((row) => row.record);
    if (items.length <= limit) return { items };
    items.length = limit;
    const last = items[limit - 1]!;
    return { items, nextCursor: encodeCursor(last) };
  }

  async delete(key: JobKey): Promise<void> {
    await this.run('Deleting a job', {
      text: `DELETE FROM ${this.table} WHERE tenant_id = $1 AND export_id = $2`,
      values: [key.tenantId, key.exportId],
    });
  }

  private async run(doing: string, query: { text: string; values: unknown[] }) {
    try {
      return await this.pool.query(query);
    } catch (error) {
      throw wrapPgError(error, 'JOB_STORE_ERROR', doing);
    }
  }
}

/** The indexed columns and the record, in the order of the INSERT and UPDATE statements. */
function columnValues(job: JobRecord): unknown[] {
  // The record goes as JSON text: pg would turn a top-level array into a PostgreSQL array.
  return [
    job.tenantId,
    job.exportId,
    job.status,
    job.fence ?? null,
    job.createdAt,
    job.updatedAt,
    JSON.stringify(job),
  ];
}

function assertSameKey(key: JobKey, next: JobRecord): void {
  if (key.tenantId !== next.tenantId || key.exportId !== next.exportId) {
    throw new ExportkitError(
      'INVALID_REQUEST',
      '[exportkit] [postgres] transition() was given a next record whose tenantId or exportId differs from the key.',
      { details: { key, next: { tenantId: next.tenantId, exportId: next.exportId } } },
    );
  }
}

/** The keyset position after `job`: its createdAt and export id, as opaque base64url JSON. */
function encodeCursor(job: JobRecord): string {
  return Buffer.from(JSON.stringify([job.createdAt, job.exportId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; exportId: string } {
  try {
    const [createdAt, exportId] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof exportId === 'string' &&
      !Number.isNaN(Date.parse(createdAt))
    ) {
      return { createdAt, exportId };
    }
  } catch {
    // fall through to the error below
  }
  throw new ExportkitError(
    'INVALID_REQUEST',
    '[exportkit] [postgres] The list cursor is malformed; pass a nextCursor from a previous page.',
  );
}
