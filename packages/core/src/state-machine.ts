import { ExportkitError } from './errors.js';
import type { JobRecord, JobStatus } from './job.js';

/**
 * The lifecycle as data: for each status, the statuses it may move to.
 *
 * - `queued → running`: a worker claims the job.
 * - `running → running`: a reclaim after a lapsed lease, or a heartbeat under the same fence.
 * - `failed | cancelled | expired | succeeded → queued`: a new `request()` starts a new run
 *   (`succeeded` only once it is older than the type's `maxAge`).
 * - `succeeded → expired`: `cleanup()` past retention.
 */
export const transitions: Readonly<Record<JobStatus, readonly JobStatus[]>> = Object.freeze({
  queued: ['running', 'cancelled', 'failed'],
  running: ['running', 'succeeded', 'failed', 'cancelled'],
  succeeded: ['queued', 'expired'],
  failed: ['queued'],
  cancelled: ['queued'],
  expired: ['queued'],
});

/** True when the table allows `from → to`. */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return transitions[from].includes(to);
}

/**
 * The one function that changes a job's status: checks the table, stamps `updatedAt`, and
 * returns the next record. Throws `INVALID_TRANSITION` when the table forbids the move.
 */
export function applyTransition(
  job: JobRecord,
  to: JobStatus,
  patch: Partial<Omit<JobRecord, 'status' | 'exportId' | 'tenantId'>>,
  now: Date,
): JobRecord {
  if (!canTransition(job.status, to)) {
    throw new ExportkitError(
      'INVALID_TRANSITION',
      `Export ${job.exportId} is ${job.status} and cannot become ${to}.`,
      { details: { from: job.status, to } },
    );
  }
  return { ...job, ...patch, status: to, updatedAt: now.toISOString() };
}
