import type { JobKey, JobRecord, JobStatus } from '../job.js';

/** What {@link JobStore.transition} compares before writing. */
export interface TransitionExpectation {
  status: JobStatus;
  /** The fence the caller read; `undefined` matches a record without a fence. */
  fence: string | undefined;
}

/** Options for {@link JobStore.list}. */
export interface ListJobsQuery {
  /** Only this tenant's jobs. Omit only for maintenance scans (cleanup). */
  tenantId?: string;
  /** Only jobs in these statuses. */
  status?: readonly JobStatus[];
  /** Page size. @defaultValue `50` */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** A page of jobs, newest first (by `createdAt`, then export id). */
export interface JobPage {
  items: JobRecord[];
  /** Pass to the next `list` call; absent on the last page. */
  nextCursor?: string;
}

/** What a JobStore adapter supports. */
export interface JobStoreCapabilities {
  /**
   * `create` and `transition` are atomic compare-and-set operations. When false, the last
   * writer wins (safe for exportkit because output is deterministic and the manifest is the
   * commit point), and concurrent identical requests may enqueue twice.
   */
  atomicTransitions: boolean;
}

/** Where job records live. */
export interface JobStore {
  /** Short adapter name used in error messages. */
  readonly name: string;
  readonly capabilities: JobStoreCapabilities;
  /**
   * Stores `job` unless a record with its key exists. Returns whichever record is stored
   * afterwards and whether this call created it.
   */
  create(job: JobRecord): Promise<{ created: boolean; job: JobRecord }>;
  /** The record, or `undefined` when absent (does not throw). */
  get(key: JobKey): Promise<JobRecord | undefined>;
  /**
   * Replaces the record with `next` only if its current status and fence equal `expected`.
   * Returns false (and writes nothing) when they do not, or when the record is absent.
   */
  transition(key: JobKey, expected: TransitionExpectation, next: JobRecord): Promise<boolean>;
  /** A page of records, newest first. */
  list(query: ListJobsQuery): Promise<JobPage>;
  /** Removes the record. Idempotent. */
  delete(key: JobKey): Promise<void>;
}
