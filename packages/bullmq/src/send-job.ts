import { randomUUID } from 'node:crypto';
import type { JobMessage } from '@exportkit/core';
import type { Queue as BullQueue, JobsOptions } from 'bullmq';

/** BullMQ job name of every message; the body says which export. */
export const jobName = 'export';

/**
 * Adds a message under `jobId` so that a delivery starts after this send began. The state is
 * read before adding: a job that waits (or is delayed) will be delivered later, so the send
 * collapses into it; a missing job is added (if another send adds it first, that job too is
 * delivered later); a running job may have started before the caller's change, so a second
 * job `{jobId}.{uuid}` is added; a dead-lettered (or kept completed) job is retried with its
 * counters reset.
 */
export async function sendJob(
  queue: BullQueue,
  jobId: string,
  body: JobMessage,
  options: JobsOptions,
): Promise<void> {
  // A few rounds cover the race with a consumer moving a dead-lettered job meanwhile.
  for (let round = 0; round < 5; round++) {
    const state = await queue.getJobState(jobId);
    if (state === 'unknown') {
      await queue.add(jobName, body, { ...options, jobId });
      return;
    }
    if (state === 'active') {
      await queue.add(jobName, body, { ...options, jobId: `${jobId}.${randomUUID()}` });
      return;
    }
    if (state !== 'failed' && state !== 'completed') return;
    const job = await queue.getJob(jobId);
    const retried = await job
      ?.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true })
      .then(() => true)
      .catch(() => false);
    if (retried) return;
  }
  throw new Error(`job ${jobId} kept changing state while it was being sent`);
}
