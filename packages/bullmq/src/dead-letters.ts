import type { JobMessage } from '@exportkit/core';
import { type Queue as BullQueue, type Job, UnrecoverableError } from 'bullmq';

/** A message in BullMQ's failed set: the dead-letter destination. */
export interface DeadLetter {
  /** The BullMQ job id: the dedup id the message was sent with, else BullMQ's own. */
  jobId: string;
  body: JobMessage;
  /** Why it was dead-lettered. */
  reason: string;
  /** Deliveries it had. */
  receiveCount: number;
  /** When it was dead-lettered, ISO 8601. */
  failedAt: string | undefined;
}

/**
 * Why a job just moved to active must not be delivered: past `maxReceives` (its lock lapsed
 * every time), failed by BullMQ's own stall limit, or not an exportkit message at all.
 */
export function deadLetterReason(job: Job, maxReceives: number): string | undefined {
  if (job.deferredFailure) return job.deferredFailure;
  if (job.attemptsStarted > maxReceives) {
    return `delivered ${job.attemptsStarted} times, more than maxReceives ${maxReceives} (its lock lapsed each time)`;
  }
  const body = job.data as Partial<JobMessage> | undefined;
  if (typeof body?.exportId !== 'string' || typeof body.tenantId !== 'string') {
    return 'the job data is not an exportkit message ({ exportId, tenantId })';
  }
  return undefined;
}

/** Moves an active job to the failed set for good: an unrecoverable error skips BullMQ's retries. */
export async function moveToDeadLetters(job: Job, token: string, reason: string): Promise<void> {
  await job.moveToFailed(
    new UnrecoverableError(`[exportkit] dead-lettered: ${reason}`),
    token,
    false,
  );
}

/** The failed set as {@link DeadLetter}s, newest first. */
export async function listDeadLetters(queue: BullQueue): Promise<DeadLetter[]> {
  const jobs = await queue.getFailed();
  return jobs.map((job) => ({
    jobId: String(job.id),
    body: { exportId: job.data.exportId, tenantId: job.data.tenantId },
    reason: job.failedReason,
    receiveCount: job.attemptsStarted,
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn).toISOString(),
  }));
}

/**
 * Moves failed jobs (all, or the given ids) back to wait with `attemptsMade` and
 * `attemptsStarted` reset: without the reset the next receive would find them still past
 * `maxReceives`. Returns how many moved.
 */
export async function retryDeadLetters(
  queue: BullQueue,
  jobIds?: readonly string[],
): Promise<number> {
  const ids = jobIds ?? (await queue.getFailed()).map((job) => String(job.id));
  let moved = 0;
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') continue;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    moved++;
  }
  return moved;
}
