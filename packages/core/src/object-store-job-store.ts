import { ExportkitError } from './errors.js';
import type { JobKey, JobRecord } from './job.js';
import type { JobPage, JobStore, ListJobsQuery, TransitionExpectation } from './ports/job-store.js';
import type { ObjectStore } from './ports/object-store.js';

/** Options for {@link ObjectStoreJobStore}. */
export interface ObjectStoreJobStoreOptions {
  store: ObjectStore;
  /** Records live under `{prefix}/_jobs/{tenant}/{exportId}.json`. @defaultValue `'exports'` */
  prefix?: string;
}

/**
 * Keeps each job record as a JSON object in the ObjectStore beside the parts, so no database
 * is needed. Transitions read, compare and write: not atomic (`atomicTransitions: false`), so
 * the last writer wins. That is safe for exportkit because every run writes under its own run
 * id and the manifest is the commit point; the cost is that concurrent identical requests may
 * enqueue twice and two workers may both run an export (one wasted run). Listing reads every
 * record of the tenant, so keep it for modest volumes.
 */
export class ObjectStoreJobStore implements JobStore {
  readonly name = 'object-store-job-store';
  readonly capabilities = { atomicTransitions: false };
  readonly #store: ObjectStore;
  readonly #root: string;

  constructor(options: ObjectStoreJobStoreOptions) {
    this.#store = options.store;
    this.#root = `${options.prefix ?? 'exports'}/_jobs/`;
  }

  async create(job: JobRecord): Promise<{ created: boolean; job: JobRecord }> {
    const existing = await this.get(job);
    if (existing) return { created: false, job: existing };
    await this.#write(job);
    return { created: true, job };
  }

  async get(key: JobKey): Promise<JobRecord | undefined> {
    return this.#read(this.#key(key));
  }

  async transition(
    key: JobKey,
    expected: TransitionExpectation,
    next: JobRecord,
  ): Promise<boolean> {
    const current = await this.get(key);
    if (!current || current.status !== expected.status || current.fence !== expected.fence)
      return false;
    await this.#write(next);
    return true;
  }

  async list(query: ListJobsQuery): Promise<JobPage> {
    const limit = query.limit ?? 50;
    const records: JobRecord[] = [];
    for await (const info of this.#store.list(
      query.tenantId ? `${this.#root}${query.tenantId}/` : this.#root,
    )) {
      const job = await this.#read(info.key);
      if (job && (!query.status || query.status.includes(job.status))) records.push(job);
    }
    records.sort(newestFirst);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rest = after ? records.filter((job) => newestFirst(job, after) > 0) : records;
    const items = rest.slice(0, limit);
    const last = items[items.length - 1];
    return { items, ...(rest.length > limit && last ? { nextCursor: encodeCursor(last) } : {}) };
  }

  async delete(key: JobKey): Promise<void> {
    await this.#store.delete([this.#key(key)]);
  }

  #key(key: JobKey): string {
    return `${this.#root}${key.tenantId}/${key.exportId}.json`;
  }

  async #write(job: JobRecord): Promise<void> {
    await this.#store.put(this.#key(job), JSON.stringify(job), { contentType: 'application/json' });
  }

  async #read(key: string): Promise<JobRecord | undefined> {
    // A store whose overwrites are not atomic (some S3 emulators) can serve a half-written
    // record; reading again shortly after gets the whole one.
    for (let attempt = 1; ; attempt++) {
      let text: string;
      try {
        const chunks: Uint8Array[] = [];
        for await (const chunk of await this.#store.get(key)) chunks.push(chunk);
        text = Buffer.concat(chunks).toString('utf8');
      } catch (error) {
        if (error instanceof ExportkitError && error.code === 'OBJECT_NOT_FOUND') return undefined;
        throw error;
      }
      try {
        return JSON.parse(text) as JobRecord;
      } catch (error) {
        if (attempt >= tornReadAttempts) {
          throw new ExportkitError(
            'JOB_STORE_ERROR',
            `[exportkit] [${this.name}] Job record ${key} is not valid JSON.`,
            {
              cause: error,
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
      }
    }
  }
}

/** Reads of a record that does not parse, before it is reported as corrupt. */
const tornReadAttempts = 4;

type CursorKey = Pick<JobRecord, 'createdAt' | 'exportId'>;

/** Newest `createdAt` first, then export id descending: a total order for stable pages. */
function newestFirst(a: CursorKey, b: CursorKey): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.exportId < b.exportId ? 1 : a.exportId > b.exportId ? -1 : 0;
}

function encodeCursor(job: CursorKey): string {
  return Buffer.from(JSON.stringify([job.createdAt, job.exportId])).toString('base64url');
}

function decodeCursor(cursor: string): CursorKey {
  try {
    const [createdAt, exportId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string,
      string,
    ];
    if (typeof createdAt !== 'string' || typeof exportId !== 'string') throw new Error('shape');
    return { createdAt, exportId };
  } catch {
    throw new ExportkitError(
      'INVALID_REQUEST',
      'The list cursor is malformed; pass the nextCursor of the previous page.',
    );
  }
}
