import { randomUUID } from 'node:crypto';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { queueError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** A waiter for {@link LeaseWorker.waitForJob}: settled once, with a job, nothing or an error. */
interface Waiter {
  settle(result: { job?: Job; error?: unknown }): void;
}

/**
 * One BullMQ `Worker` in manual mode (no processor, `autorun: false`) for one lock duration.
 * BullMQ fixes `lockDuration` per Worker, and a receive's `visibilityTimeoutMs` is that lock,
 * so the adapter keeps one of these per distinct visibility timeout (exportkit's worker uses
 * one). It runs BullMQ's stalled-job checker, which moves jobs whose lock lapsed back to wait.
 */
export class LeaseWorker {
  readonly worker: Worker;
  private readonly waiters = new Set<Waiter>();
  private fetching: Promise<void> | undefined;
  private closing = false;

  constructor(
    connection: Redis,
    readonly lockDurationMs: number,
    options: ResolvedOptions,
    private readonly release: (job: Job) => Promise<void>,
  ) {
    this.worker = new Worker(options.name, null, {
      connection,
      prefix: options.prefix,
      autorun: false,
      lockDuration: lockDurationMs,
      // exportkit's worker heartbeats through extendLease; BullMQ's renewal only runs for
      // jobs it processes itself, and must not keep a dead delivery alive.
      skipLockRenewal: true,
      stalledInterval: options.stalledIntervalMs,
      // A stall is a redelivery like any other: the adapter counts deliveries
      // (attemptsStarted) against maxReceives itself, so BullMQ's own stall limit is off.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      drainDelay: options.blockTimeoutMs / 1000,
    });
    this.worker.on('error', (error) => options.onError(queueError('background work', error)));
  }

  /** Connects and starts the stalled-job checker. */
  async start(): Promise<void> {
    await this.worker.waitUntilReady();
    await this.worker.startStalledCheckTimer();
  }

  /** Moves the next waiting job to active under a fresh lock token, without blocking. */
  async fetchNow(): Promise<Job | undefined> {
    const job = await this.worker.getNextJob(randomUUID(), { block: false });
    return job ?? undefined;
  }

  /**
   * Waits up to `timeoutMs` for a job with BullMQ's blocking fetch. Concurrent callers share
   * one blocking fetch: the first waiter gets its job, the others wake to fetch again. When
   * every waiter gave up (timeout or abort) before the fetch returned, the job it brought is
   * handed back to the queue, uncounted.
   */
  waitForJob(timeoutMs: number, signal: AbortSignal | undefined): Promise<Job | undefined> {
    return new Promise<Job | undefined>((resolve, reject) => {
      const onAbort = () => waiter.settle({});
      const timer = setTimeout(onAbort, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiter: Waiter = {
        settle: ({ job, error }) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (error !== undefined) reject(error);
          else resolve(job);
        },
      };
      this.waiters.add(waiter);
      if (signal?.aborted) onAbort();
      else this.startBlockingFetch();
    });
  }

  /**
   * Closes the Worker: its blocking connection and the stalled checker. A job the blocking
   * fetch moved to active meanwhile is handed back before this resolves, so a stopping process
   * does not sit on a message until its lock lapses.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const waiter of [...this.waiters]) waiter.settle({});
    const fetching = this.fetching;
    await this.worker.close(true);
    await fetching;
  }

  private startBlockingFetch(): void {
    if (this.fetching || this.closing) return;
    this.fetching = this.worker
      .getNextJob(randomUUID(), { block: true })
      .then(
        (job) => this.deliver({ job: job ?? undefined }),
        (error: unknown) => this.deliver({ error }),
      )
      .finally(() => {
        this.fetching = undefined;
      });
  }

  private async deliver(result: { job?: Job; error?: unknown }): Promise<void> {
    const [first, ...others] = this.waiters;
    for (const waiter of others) waiter.settle({});
    if (first && !this.closing) {
      first.settle(result);
      return;
    }
    first?.settle({});
    if (result.job) await this.release(result.job).catch(() => {});
  }
}
