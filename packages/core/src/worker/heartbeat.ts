import { ExportkitError } from '../errors.js';
import type { JobProgress, JobRecord } from '../job.js';
import { storeTransition } from '../job-transition.js';
import type { Logger } from '../logger.js';
import type { PartWriter } from '../parts/part-writer.js';
import type { JobStore } from '../ports/job-store.js';

/** Options for {@link Heartbeat}. */
export interface HeartbeatOptions {
  store: JobStore;
  job: JobRecord;
  leaseMs: number;
  intervalMs: number;
  /** Extends the queue message's lease, when the caller has one. */
  extendLease: ((ms: number) => Promise<void>) | undefined;
  clock: () => Date;
  logger: Logger;
  /** Called when the job was cancelled or another worker took it over. */
  abort(reason: ExportkitError): void;
}

/**
 * While a run writes, every `intervalMs` (a third of the lease by default) extends the queue
 * lease and the job lease, publishes progress with an ETA, and notices cancellation or a newer
 * fence, in which case it aborts the run.
 */
export class Heartbeat {
  #job: JobRecord;
  #out: PartWriter | undefined;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();
  #estimatedRows: number | undefined;
  readonly #startedAt: number;
  readonly #options: HeartbeatOptions;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    this.#job = options.job;
    this.#startedAt = options.clock().getTime();
  }

  /** The job record as last stored by this run. */
  get job(): JobRecord {
    return this.#job;
  }

  /** Starts beating; `out` supplies the live counters once the output is open. */
  start(): void {
    this.#timer = setInterval(() => {
      this.#tick = this.#tick.then(() => this.#beat());
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Gives the heartbeat the source's row estimate, for the fraction and ETA. */
  estimate(rows: number | undefined): void {
    this.#estimatedRows = rows;
  }

  /** Gives the heartbeat the run's live counters. */
  track(out: PartWriter): void {
    this.#out = out;
  }

  /** Stops beating and waits for a beat in progress, so no write races the commit. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#tick;
  }

  /** A progress snapshot from the live counters, with fraction and ETA when rows were estimated. */
  progress(): JobProgress {
    const now = this.#options.clock();
    const rows = this.#out?.rows ?? 0;
    const estimatedRows = this.#estimatedRows;
    const snapshot: JobProgress = {
      rows,
      bytes: this.#out?.bytes ?? 0,
      parts: (this.#out?.parts.length ?? 0) + (rows > 0 ? 1 : 0),
      updatedAt: now.toISOString(),
    };
    if (estimatedRows !== undefined && estimatedRows > 0) {
      const elapsed = now.getTime() - this.#startedAt;
      snapshot.estimatedRows = estimatedRows;
      snapshot.fraction = Math.min(rows / estimatedRows, 0.99);
      if (rows > 0)
        snapshot.etaMs = Math.max(0, Math.round((elapsed / rows) * (estimatedRows - rows)));
    }
    return snapshot;
  }

  async #beat(): Promise<void> {
    const { store, leaseMs, clock, logger, extendLease } = this.#options;
    try {
      await extendLease?.(leaseMs);
    } catch (error) {
      logger.warn('Could not extend the queue lease; the message may be redelivered.', {
        error: String(error),
      });
    }
    const now = clock();
    try {
      const patch = {
        leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
        progress: this.progress(),
      };
      const stored = await storeTransition(store, this.#job, 'running', patch, now);
      if (stored) {
        this.#job = stored;
        return;
      }
      const { fresh, lost } = await checkOwnership(store, this.#job);
      if (lost) this.#options.abort(lost);
      else if (fresh) this.#job = fresh;
    } catch (error) {
      // The store may be back at the next beat; until the lease lapses nobody else claims the job.
      logger.warn('Heartbeat could not reach the job store.', {
        exportId: this.#job.exportId,
        error: String(error),
      });
    }
  }
}

/**
 * Whether the run holding `job` still owns it: `lost` is `CANCELLED` when the job was cancelled
 * (or deleted) and `STALE_FENCE` when another worker claimed it since.
 */
export async function checkOwnership(
  store: JobStore,
  job: JobRecord,
): Promise<{ fresh?: JobRecord; lost?: ExportkitError }> {
  const fresh = await store.get({ tenantId: job.tenantId, exportId: job.exportId });
  if (!fresh || fresh.status === 'cancelled') {
    return { lost: new ExportkitError('CANCELLED', `Export ${job.exportId} was cancelled.`) };
  }
  if (fresh.fence !== job.fence || fresh.status !== 'running') {
    return {
      lost: new ExportkitError(
        'STALE_FENCE',
        `Export ${job.exportId} was taken over by another worker.`,
      ),
    };
  }
  return { fresh };
}
