import {
  ExportkitError,
  type JobMessage,
  type Queue,
  type QueueCapabilities,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendOptions,
} from '@exportkit/core';
import { Backoffs, Queue as BullQueue, Job, type JobsOptions } from 'bullmq';
import { type AdapterConnection, closeConnection, openConnection } from './connection.js';
import {
  type DeadLetter,
  deadLetterReason,
  listDeadLetters,
  moveToDeadLetters,
  retryDeadLetters,
} from './dead-letters.js';
import { isLostDelivery, queueError, withDeadline } from './errors.js';
import { jobIdFor } from './job-id.js';
import { LeaseWorker } from './lease-worker.js';
import { type BullMQQueueOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { decodeReceipt, encodeReceipt } from './receipt.js';
import { jobName, sendJob } from './send-job.js';

/** A delivery handed out by `receive()` and not yet acked or nacked. */
interface InFlight {
  job: Job;
  leaseEndsAt: number;
}

/** How long past its lease an unacked delivery is remembered before its entry is dropped. */
const forgetAfterMs = 60_000;

/**
 * exportkit's Queue port on BullMQ (Redis), through BullMQ's manual processing API: each
 * received message is a job moved to active under its own lock token, acked with
 * `moveToCompleted`, nacked with `moveToDelayed`, extended with `extendLock`, and
 * dead-lettered to BullMQ's failed set after `maxReceives` deliveries. A lock that lapses
 * because its worker died is found by BullMQ's stalled-job checker and delivered again with
 * the receive count raised.
 */
export class BullMQQueue implements Queue {
  readonly name = 'bullmq';
  readonly capabilities: QueueCapabilities = { delay: true, dedup: true, deadLetter: true };
  /** The BullMQ Queue, for inspection (`getFailed()`, `getJobCounts()`, dashboards). */
  readonly bullQueue: BullQueue;
  private readonly options: ResolvedOptions;
  private readonly connection: AdapterConnection;
  private readonly leases = new Map<number, { worker: LeaseWorker; ready: Promise<LeaseWorker> }>();
  private readonly inFlight = new Map<string, InFlight>();
  private closed = false;

  constructor(options: BullMQQueueOptions) {
    this.options = resolveOptions(options);
    this.connection = openConnection(options.connection);
    this.bullQueue = new BullQueue(this.options.name, {
      connection: this.connection.redis,
      prefix: this.options.prefix,
    });
    this.bullQueue.on('error', (error) =>
      this.options.onError(queueError('background work', error)),
    );
  }

  /**
   * Adds the message as a BullMQ job. With a dedup id the job id is that id, so a second send
   * while the job waits collapses into it. A send must never be lost, so when the job with
   * that id is already running a second job (`{id}.{uuid}`) is added, and when it sits in the
   * failed set (dead-lettered) it is retried with its counters reset.
   */
  async send(message: JobMessage, options: SendOptions = {}): Promise<void> {
    this.assertOpen();
    assertJobMessage(message);
    const delay = options.delayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new ExportkitError(
        'INVALID_REQUEST',
        '[exportkit] [bullmq] delayMs must be a number >= 0.',
        {
          details: { delayMs: options.delayMs },
        },
      );
    }
    const body: JobMessage = { exportId: message.exportId, tenantId: message.tenantId };
    const jobOptions: JobsOptions = {
      delay: Math.ceil(delay),
      attempts: this.options.maxReceives,
      removeOnComplete: true,
      removeOnFail: false,
    };
    await this.deadline('send', async () => {
      if (options.dedupId === undefined) {
        await this.bullQueue.add(jobName, body, jobOptions);
        return;
      }
      await sendJob(this.bullQueue, jobIdFor(options.dedupId), body, jobOptions);
    });
  }

  /**
   * Moves up to `maxMessages` jobs to active, each under its own lock token held for
   * `visibilityTimeoutMs`. When none is waiting it blocks on BullMQ's marker key (the same
   * wait a BullMQ Worker uses) until `waitTimeMs` passes or `signal` aborts.
   */
  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    this.assertOpen();
    const maxMessages = options.maxMessages ?? 1;
    const visibility = Math.ceil(options.visibilityTimeoutMs);
    if (!Number.isInteger(maxMessages) || maxMessages < 1 || !(visibility >= 1)) {
      throw new ExportkitError(
        'INVALID_REQUEST',
        '[exportkit] [bullmq] receive() needs maxMessages >= 1 and visibilityTimeoutMs >= 1.',
        {
          details: {
            maxMessages: options.maxMessages,
            visibilityTimeoutMs: options.visibilityTimeoutMs,
          },
        },
      );
    }
    const { signal } = options;
    const received: ReceivedMessage[] = [];
    if (signal?.aborted) return received;
    const deadline = Date.now() + (options.waitTimeMs ?? 0);
    const lease = await this.deadline('receive', () => this.leaseWorker(visibility));
    this.forgetStale();
    while (received.length < maxMessages && !signal?.aborted) {
      let job = await this.deadline('receive', () => lease.fetchNow());
      if (!job) {
        const remaining = deadline - Date.now();
        if (received.length > 0 || remaining <= 0) break;
        try {
          job = await lease.waitForJob(remaining, signal);
        } catch (error) {
          throw queueError('receive', error);
        }
        if (!job) continue;
      }
      const message = await this.deliver(job, visibility);
      if (message) received.push(message);
    }
    return received;
  }

  /**
   * Completes the job, which removes it. Acking a receipt twice, or after its lease was lost,
   * does nothing.
   */
  async ack(message: ReceivedMessage): Promise<void> {
    this.assertOpen();
    const { token, jobId } = decodeReceipt(message.receipt);
    await this.deadline('ack', async () => {
      const job = await this.jobFor(message.receipt, jobId);
      if (!job) return;
      await job.moveToCompleted(null, token, false).catch((error: unknown) => {
        // The lease was lost: the job is back in the queue or with another consumer, and may
        // even be a newer job under the same id. Leave it; a redelivery of a finished export
        // is skipped and acked by the worker.
        if (!isLostDelivery(error)) throw error;
      });
    });
    this.inFlight.delete(message.receipt);
  }

  /**
   * Puts the job back: delayed by `delayMs` (or by the configured backoff), or at once. The
   * delivery that reaches `maxReceives` goes to the failed set instead. A nack after the lease
   * was lost does nothing: the job is already back in the queue or with another consumer.
   */
  async nack(message: ReceivedMessage, options: { delayMs?: number } = {}): Promise<void> {
    this.assertOpen();
    const { token, jobId } = decodeReceipt(message.receipt);
    await this.deadline('nack', async () => {
      const job = await this.jobFor(message.receipt, jobId);
      if (!job) return;
      const receiveCount = Math.max(job.attemptsStarted, message.receiveCount);
      try {
        if (receiveCount >= this.options.maxReceives) {
          await moveToDeadLetters(
            job,
            token,
            `nacked on delivery ${receiveCount} of maxReceives ${this.options.maxReceives}`,
          );
          return;
        }
        const delay = options.delayMs ?? (await this.backoffDelay(job, receiveCount));
        if (delay > 0) await job.moveToDelayed(Date.now() + Math.ceil(delay), token);
        else await job.moveToWait(token);
      } catch (error) {
        if (!isLostDelivery(error)) throw error;
      }
    });
    this.inFlight.delete(message.receipt);
  }

  /**
   * Extends the job's lock to `visibilityTimeoutMs` from now (`job.extendLock`). Throws a
   * non-retryable `QUEUE_ERROR` when the lock is lost (it lapsed and the job was delivered again
   * or removed): the holder should stop, another delivery owns the message now.
   */
  async extendLease(message: ReceivedMessage, visibilityTimeoutMs: number): Promise<void> {
    this.assertOpen();
    const { token, jobId } = decodeReceipt(message.receipt);
    const duration = Math.ceil(visibilityTimeoutMs);
    const extended = await this.deadline('extendLease', async () => {
      const job = await this.jobFor(message.receipt, jobId);
      return job ? job.extendLock(token, duration) : 0;
    });
    if (extended !== 1) {
      this.inFlight.delete(message.receipt);
      throw new ExportkitError(
        'QUEUE_ERROR',
        `[exportkit] [bullmq] The lease of job ${jobId} is lost: its lock lapsed before it was extended. Heartbeat more often than visibilityTimeoutMs; the message will be (or was) delivered again.`,
        { retryable: false, details: { operation: 'extendLease', jobId, reason: 'lease-lost' } },
      );
    }
    const entry = this.inFlight.get(message.receipt);
    if (entry) entry.leaseEndsAt = Date.now() + duration;
  }

  /** The dead-lettered messages: BullMQ's failed set, newest first. */
  async deadLetters(): Promise<DeadLetter[]> {
    this.assertOpen();
    return this.deadline('deadLetters', () => listDeadLetters(this.bullQueue));
  }

  /**
   * Moves dead-lettered messages (all, or the given job ids) back to wait with their counters
   * reset, as `job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })`
   * does. Returns how many moved.
   */
  async retryDeadLetters(jobIds?: readonly string[]): Promise<number> {
    this.assertOpen();
    return this.deadline('retryDeadLetters', () => retryDeadLetters(this.bullQueue, jobIds));
  }

  /** Closes the Workers and the BullMQ Queue, and the Redis connection when the adapter opened it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lease of this.leases.values()) await lease.worker.close();
    await this.bullQueue.close();
    await closeConnection(this.connection);
  }

  private deadline<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return withDeadline(operation, this.options.operationTimeoutMs, run, () =>
      this.connection.lastError(),
    );
  }

  private leaseWorker(lockDurationMs: number): Promise<LeaseWorker> {
    let lease = this.leases.get(lockDurationMs);
    if (!lease) {
      const worker = new LeaseWorker(this.connection.redis, lockDurationMs, this.options, (job) =>
        this.release(job),
      );
      lease = { worker, ready: worker.start().then(() => worker) };
      this.leases.set(lockDurationMs, lease);
    }
    return lease.ready;
  }

  /** Turns an active job into a message, or dead-letters it when it is past maxReceives. */
  private async deliver(job: Job, visibility: number): Promise<ReceivedMessage | undefined> {
    const token = job.token ?? '';
    const reason = deadLetterReason(job, this.options.maxReceives);
    if (reason !== undefined) {
      await this.deadline('receive', () =>
        moveToDeadLetters(job, token, reason).catch((error: unknown) => {
          if (!isLostDelivery(error)) throw error;
        }),
      );
      return undefined;
    }
    const receipt = encodeReceipt(token, String(job.id));
    this.inFlight.set(receipt, { job, leaseEndsAt: Date.now() + visibility });
    const body = job.data as JobMessage;
    return {
      body: { exportId: body.exportId, tenantId: body.tenantId },
      receipt,
      receiveCount: job.attemptsStarted,
    };
  }

  /**
   * Hands back a job a blocking fetch brought after its receive() had given up. It was never
   * delivered, so the delivery count BullMQ raised for it is lowered again first.
   */
  private async release(job: Job): Promise<void> {
    await this.connection.redis.hincrby(`${job.prefix}:${job.queueName}:${job.id}`, 'ats', -1);
    // Through the Queue: the Worker that fetched the job may be closing already.
    await Job.fromJSON(this.bullQueue, job.asJSON(), job.id).moveToWait(job.token);
  }

  private async backoffDelay(job: Job, receiveCount: number): Promise<number> {
    const { backoff } = this.options;
    if (!backoff) return 0;
    const delay = await Backoffs.calculate(
      backoff,
      receiveCount,
      new Error('nack'),
      job,
      undefined,
    );
    return typeof delay === 'number' && delay > 0 ? delay : 0;
  }

  /** The Job of a delivery: remembered from receive(), else read back (another adapter instance received it). */
  private async jobFor(receipt: string, jobId: string): Promise<Job | undefined> {
    const remembered = this.inFlight.get(receipt);
    if (remembered) return remembered.job;
    return (await Job.fromId(this.bullQueue, jobId)) ?? undefined;
  }

  private forgetStale(): void {
    const cutoff = Date.now() - forgetAfterMs;
    for (const [receipt, entry] of this.inFlight) {
      if (entry.leaseEndsAt < cutoff) this.inFlight.delete(receipt);
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new ExportkitError(
        'QUEUE_ERROR',
        '[exportkit] [bullmq] The queue is closed; create a new BullMQQueue.',
        {
          retryable: false,
        },
      );
    }
  }
}

function assertJobMessage(message: JobMessage): void {
  if (typeof message?.exportId !== 'string' || typeof message.tenantId !== 'string') {
    throw new ExportkitError(
      'INVALID_REQUEST',
      '[exportkit] [bullmq] send() needs a message { exportId, tenantId } of strings.',
    );
  }
}
