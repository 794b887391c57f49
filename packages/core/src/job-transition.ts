import { ExportkitError } from './errors.js';
import type { JobRecord, JobStatus } from './job.js';
import type { JobStore } from './ports/job-store.js';
import { applyTransition } from './state-machine.js';

/** Told about every status change exportkit makes (for webhooks, notifications, metrics). */
export type TransitionListener = (event: { job: JobRecord; from: JobStatus | undefined }) => void;

/**
 * Applies a transition and stores it with compare-and-set against the record the caller read.
 * Returns the stored record, or `undefined` when the record changed meanwhile (lost race).
 * Listeners hear only of status changes, not of heartbeats within `running`.
 */
export async function storeTransition(
  store: JobStore,
  job: JobRecord,
  to: JobStatus,
  patch: Parameters<typeof applyTransition>[2],
  now: Date,
  listener?: TransitionListener,
): Promise<JobRecord | undefined> {
  const next = applyTransition(job, to, patch, now);
  const stored = await guarded(store, () =>
    store.transition(
      { tenantId: job.tenantId, exportId: job.exportId },
      { status: job.status, fence: job.fence },
      next,
    ),
  );
  if (!stored) return undefined;
  if (listener && (job.status !== to || patch.fence !== job.fence))
    notify(listener, next, job.status);
  return next;
}

/** Reports a created record to the listener. */
export function notifyCreated(listener: TransitionListener | undefined, job: JobRecord): void {
  if (listener) notify(listener, job, undefined);
}

/**
 * Runs a JobStore call, turning an untyped backend failure into a retryable `JOB_STORE_ERROR`.
 */
export async function guarded<T>(store: JobStore, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ExportkitError) throw error;
    throw new ExportkitError(
      'JOB_STORE_ERROR',
      `[exportkit] [${store.name}] The job store failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

function notify(listener: TransitionListener, job: JobRecord, from: JobStatus | undefined): void {
  try {
    listener({ job, from });
  } catch {
    // A listener's bug must not fail the export it is told about.
  }
}
