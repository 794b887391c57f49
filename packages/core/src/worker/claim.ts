import { randomUUID } from 'node:crypto';
import type { JobKey, JobRecord } from '../job.js';
import { storeTransition, type TransitionListener } from '../job-transition.js';
import type { JobStore } from '../ports/job-store.js';

/** What a worker may do with a delivered message. */
export type Claim =
  | { kind: 'claimed'; job: JobRecord & { runId: string; fence: string } }
  /** Another worker holds a live lease: try again when it may have lapsed. */
  | { kind: 'deferred'; retryAfterMs: number }
  /** Nothing to do (absent, finished, or cancelled): ack the message. */
  | { kind: 'skip'; reason: string };

/**
 * Takes ownership of a job with a new fence token and lease: `queued → running`, or
 * `running → running` when the previous worker's lease has lapsed (it crashed). A lost race is
 * retried once against the fresh record.
 */
export async function claimJob(
  store: JobStore,
  key: JobKey,
  leaseMs: number,
  now: () => Date,
  listener?: TransitionListener,
): Promise<Claim> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const job = await store.get(key);
    if (!job) return { kind: 'skip', reason: 'no such job' };
    const at = now();
    if (
      job.status === 'running' &&
      job.leaseExpiresAt &&
      Date.parse(job.leaseExpiresAt) > at.getTime()
    ) {
      // A small margin so the retry lands after the lease, not just before it.
      return {
        kind: 'deferred',
        retryAfterMs: Date.parse(job.leaseExpiresAt) - at.getTime() + 1_000,
      };
    }
    if (job.status !== 'queued' && job.status !== 'running')
      return { kind: 'skip', reason: `job is ${job.status}` };
    const runId = `run-${at.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const fence = randomUUID();
    const claimed = await storeTransition(
      store,
      job,
      'running',
      {
        runId,
        fence,
        attempts: job.attempts + 1,
        leaseExpiresAt: new Date(at.getTime() + leaseMs).toISOString(),
        startedAt: at.toISOString(),
        progress: { rows: 0, bytes: 0, parts: 0, updatedAt: at.toISOString() },
      },
      at,
      listener,
    );
    if (claimed) return { kind: 'claimed', job: { ...claimed, runId, fence } };
  }
  return { kind: 'deferred', retryAfterMs: 1_000 };
}
