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

/**
 * A JobStore in a `Map`. Every method runs without awaiting between its read and its write, so
 * `create` and `transition` are atomic compare-and-set operations within the process. Records
 * are stored and returned as `structuredClone` copies: callers can never mutate stored state.
 */
export class MemoryJobStore implements JobStore {
  readonly name = 'memory';
  readonly capabilities: JobStoreCapabilities = { atomicTransitions: true };
  readonly #jobs = new Map<string, JobRecord>();

  async create(job: JobRecord): Promise<{ created: boolean; job: JobRecord }> {
    const key = mapKey(job);
    const existing = this.#jobs.get(key);
    if (existing) return { created: false, job: structuredClone(existing) };
    this.#jobs.set(key, structuredClone(job));
    return { created: true, job: structuredClone(job) };
  }

  async get(key: JobKey): Promise<JobRecord | undefined> {
    const job = this.#jobs.get(mapKey(key));
    return job && structuredClone(job);
  }

  async transition(
    key: JobKey,
    expected: TransitionExpectation,
    next: JobRecord,
  ): Promise<boolean> {
    if (next.tenantId !== key.tenantId || next.exportId !== key.exportId) {
      throw new ExportkitError(
        'INVALID_REQUEST',
        '[exportkit] [memory] transition: the next record must keep the key it replaces (same tenantId and exportId).',
        { details: { key, next: { tenantId: next.tenantId, exportId: next.exportId } } },
      );
    }
    const current = this.#jobs.get(mapKey(key));
    if (!current || current.status !== expected.status || current.fence !== expected.fence)
      return false;
    this.#jobs.set(mapKey(key), structuredClone(next));
    return true;
  }

  /** Newest first: `createdAt` descending, then `exportId` descending, then `tenantId` descending. */
  async list(query: ListJobsQuery): Promise<JobPage> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ExportkitError(
        'INVALID_REQUEST',
        '[exportkit] [memory] list: limit must be a positive integer.',
        {
          details: { limit },
        },
      );
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const matching = [...this.#jobs.values()]
      .filter((job) => query.tenantId === undefined || job.tenantId === query.tenantId)
      .filter((job) => query.status === undefined || query.status.includes(job.status))
      .map((job) => ({ job, position: positionOf(job) }))
      .filter((entry) => after === undefined || comparePositions(entry.position, after) > 0)
      .sort((a, b) => comparePositions(a.position, b.position));
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((entry) => structuredClone(entry.job)),
      ...(matching.length > limit && last ? { nextCursor: encodeCursor(last.position) } : {}),
    };
  }

  async delete(key: JobKey): Promise<void> {
    this.#jobs.delete(mapKey(key));
  }
}

/** Where a record sits in the listing order. */
type Position = [createdAtMs: number, exportId: string, tenantId: string];

function positionOf(job: JobRecord): Position {
  return [Date.parse(job.createdAt), job.exportId, job.tenantId];
}

/** Negative when `a` lists before `b` (newer first; ties broken by ids, descending). */
function comparePositions(a: Position, b: Position): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? 1 : -1;
  if (a[2] !== b[2]) return a[2] < b[2] ? 1 : -1;
  return 0;
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string' &&
      typeof value[2] === 'string'
    ) {
      return value as Position;
    }
  } catch {
    // Falls through to the error below: a cursor is opaque, so any damage means the same thing.
  }
  throw new ExportkitError(
    'INVALID_REQUEST',
    '[exportkit] [memory] list: the cursor is not one this store returned.',
    {
      details: { cursor: cursor.slice(0, 200) },
    },
  );
}

function mapKey(key: JobKey): string {
  // NUL cannot occur in a tenant id or an export id, so the pair maps to one string unambiguously.
  return `${key.tenantId}\0${key.exportId}`;
}
