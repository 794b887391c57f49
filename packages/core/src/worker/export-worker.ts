import { ExportkitError, isExportkitError } from '../errors.js';
import { assertExportId } from '../export-id.js';
import type { ExportTypeDefinition } from '../export-type.js';
import { ExportTypeRegistry, type ResolvedExportType } from '../export-types.js';
import type { JobProgress, JobRecord } from '../job.js';
import { storeTransition, type TransitionListener } from '../job-transition.js';
import { assertTenantId } from '../keys.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { JobStore } from '../ports/job-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { JobMessage, Queue, ReceivedMessage } from '../ports/queue.js';
import { claimJob } from './claim.js';
import { checkOwnership, Heartbeat } from './heartbeat.js';
import { type RunOptions, runLoop } from './run-loop.js';
import { sourceQuery, writeExport } from './write-export.js';

/** Options for {@link ExportWorker}. */
export interface ExportWorkerOptions {
  jobStore: JobStore;
  queue: Queue;
  store: ObjectStore;
  /** The same export type definitions the Exporter was given. */
  types: readonly ExportTypeDefinition[];
  /** Key prefix of every object written. @defaultValue `'exports'` */
  prefix?: string;
  /** How long a claim lasts without a heartbeat; also the queue visibility timeout. @defaultValue `60_000` */
  leaseMs?: number;
  /** Heartbeat period. @defaultValue a third of `leaseMs` */
  heartbeatMs?: number;
  /**
   * After this many runs of one job end in a retryable error, the job is recorded as failed
   * instead of being retried again. Keep it at or below the queue's `maxReceives`.
   * @defaultValue `5`
   */
  maxAttempts?: number;
  /** `run()` waits this long for exports in flight when asked to stop. @defaultValue `30_000` */
  shutdownTimeoutMs?: number;
  /** Period of `onProgress` calls while a run writes. @defaultValue `1_000` */
  progressIntervalMs?: number;
  /** Live progress of each run in this process (rows, bytes, parts, ETA). */
  onProgress?(event: { job: JobRecord; progress: JobProgress }): void;
  onTransition?: TransitionListener;
  logger?: Logger;
  /** @defaultValue `() => new Date()` */
  clock?: () => Date;
}

/** How {@link ExportWorker.execute} ended. */
export type ExecuteOutcome =
  | { outcome: 'succeeded' | 'failed' | 'cancelled' | 'skipped' }
  /** Not done now; the message should come back after `retryAfterMs`. */
  | { outcome: 'deferred'; retryAfterMs: number };

/** Options for {@link ExportWorker.execute}. */
export interface ExecuteOptions {
  /** Extends the lease of the message being processed (heartbeat). */
  extendLease?(ms: number): Promise<void>;
  /** Aborting releases the job for another worker (graceful shutdown). */
  signal?: AbortSignal;
}

/**
 * Runs exports: claims a job with a fence and lease, streams rows into parts, writes the
 * manifest and commits. Business failures are recorded on the job; infrastructure errors are
 * thrown so the queue redelivers the message.
 */
export class ExportWorker {
  readonly #registry: ExportTypeRegistry;
  readonly #options: Required<
    Pick<
      ExportWorkerOptions,
      | 'prefix'
      | 'leaseMs'
      | 'heartbeatMs'
      | 'maxAttempts'
      | 'progressIntervalMs'
      | 'shutdownTimeoutMs'
    >
  > &
    ExportWorkerOptions;
  readonly #logger: Logger;
  readonly #clock: () => Date;

  constructor(options: ExportWorkerOptions) {
    this.#registry = new ExportTypeRegistry(options.types);
    const leaseMs = options.leaseMs ?? 60_000;
    this.#options = {
      prefix: 'exports',
      heartbeatMs: Math.max(1, Math.floor(leaseMs / 3)),
      maxAttempts: 5,
      progressIntervalMs: 1_000,
      shutdownTimeoutMs: 30_000,
      ...options,
      leaseMs,
    };
    this.#logger = options.logger ?? consoleLogger;
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * Runs one export for `body` without touching the queue (what a Lambda handler calls).
   * Throws `INVALID_REQUEST` for a malformed body and retryable errors for infrastructure
   * failures; everything else ends in an outcome.
   */
  async execute(body: JobMessage, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    const key = parseMessage(body);
    const { jobStore, leaseMs, onTransition } = this.#options;
    const claim = await claimJob(jobStore, key, leaseMs, this.#clock, onTransition);
    if (claim.kind === 'deferred') return { outcome: 'deferred', retryAfterMs: claim.retryAfterMs };
    if (claim.kind === 'skip') {
      this.#logger.debug?.('Nothing to do for message.', { ...key, reason: claim.reason });
      return { outcome: 'skipped' };
    }
    return this.#run(claim.job, options);
  }

  /** Executes a received message, then acks it, or nacks it to come back later. */
  async processMessage(message: ReceivedMessage, signal?: AbortSignal): Promise<ExecuteOutcome> {
    const { queue, leaseMs } = this.#options;
    let result: ExecuteOutcome;
    try {
      result = await this.execute(message.body, {
        extendLease: (ms) => queue.extendLease(message, ms),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // Back off before the redelivery; the queue dead-letters it after maxReceives.
      const delayMs = Math.min(1_000 * 2 ** (message.receiveCount - 1), leaseMs);
      await queue.nack(message, { delayMs }).catch(() => {});
      throw error;
    }
    if (result.outcome === 'deferred') await queue.nack(message, { delayMs: result.retryAfterMs });
    else await queue.ack(message);
    return result;
  }

  /**
   * Polls the queue and processes up to `concurrency` messages at once until `signal` aborts;
   * then waits for exports in flight up to `shutdownTimeoutMs` and releases the rest for
   * redelivery. Resolves when stopped.
   */
  run(options: RunOptions = {}): Promise<void> {
    return runLoop(this, this.#options.queue, {
      leaseMs: this.#options.leaseMs,
      shutdownTimeoutMs: this.#options.shutdownTimeoutMs,
      logger: this.#logger,
      ...options,
    });
  }

  async #run(
    job: JobRecord & { runId: string; fence: string },
    options: ExecuteOptions,
  ): Promise<ExecuteOutcome> {
    const { jobStore, store, prefix, leaseMs, heartbeatMs, onTransition } = this.#options;
    let type: ResolvedExportType;
    try {
      type = this.#registry.get(job.type);
    } catch (error) {
      // A worker without the type (configuration drift, a rolling deploy) records the job as
      // failed, visibly, instead of leaving it claimed and redelivering it for ever.
      return this.#failed(job, error);
    }
    const controller = new AbortController();
    const stopOnShutdown = () =>
      controller.abort(
        new ExportkitError('CANCELLED', 'The worker is shutting down.', { retryable: true }),
      );
    options.signal?.addEventListener('abort', stopOnShutdown, { once: true });
    // A stop that came while the job was being claimed fires no event any more.
    if (options.signal?.aborted) stopOnShutdown();
    const heartbeat = new Heartbeat({
      store: jobStore,
      job,
      leaseMs,
      intervalMs: heartbeatMs,
      extendLease: options.extendLease,
      clock: this.#clock,
      logger: this.#logger,
      abort: (reason) => controller.abort(reason),
    });
    const progressTimer = this.#reportProgress(heartbeat);
    heartbeat.start();
    try {
      // With the heartbeat already beating: an estimate that waits (a busy pool) must not
      // outlast the lease, or another worker reclaims the job while this one still runs it.
      heartbeat.estimate(await this.#estimate(job, type));
      const { manifest, manifestKey } = await writeExport({
        job,
        type,
        store,
        prefix,
        signal: controller.signal,
        onOpen: (out) => heartbeat.track(out),
        // A stale run should not even leave a manifest behind to confuse a reader of the bucket.
        beforeManifest: async () => {
          const { lost } = await checkOwnership(jobStore, heartbeat.job);
          if (lost) throw lost;
        },
      });
      await heartbeat.stop();
      const now = this.#clock();
      const result = {
        manifestKey,
        rows: manifest.totals.rows,
        bytes: manifest.totals.bytes,
        parts: manifest.totals.parts,
        ...(manifest.truncated ? { truncated: manifest.truncated } : {}),
      };
      const committed = await storeTransition(
        jobStore,
        heartbeat.job,
        'succeeded',
        {
          result,
          finishedAt: now.toISOString(),
          leaseExpiresAt: undefined,
          progress: heartbeat.progress(),
          error: undefined,
        },
        now,
        onTransition,
      );
      if (committed) return { outcome: 'succeeded' };
      return this.#lostCommit(job);
    } catch (error) {
      await heartbeat.stop();
      return this.#failed(
        heartbeat.job,
        controller.signal.aborted ? controller.signal.reason : error,
      );
    } finally {
      clearInterval(progressTimer);
      options.signal?.removeEventListener('abort', stopOnShutdown);
    }
  }

  async #failed(job: JobRecord, error: unknown): Promise<ExecuteOutcome> {
    const { jobStore, maxAttempts, onTransition } = this.#options;
    if (isExportkitError(error, 'STALE_FENCE')) return { outcome: 'skipped' };
    if (isExportkitError(error, 'CANCELLED')) {
      if (!error.retryable) return { outcome: 'cancelled' };
      // Shutdown: hand the job back at once instead of waiting for the lease to lapse.
      await this.#releaseLease(job);
      return { outcome: 'deferred', retryAfterMs: 0 };
    }
    const failure = asFailure(error);
    const now = this.#clock();
    if (failure.retryable && job.attempts < maxAttempts) {
      this.#logger.warn('Export run failed; it will be retried.', {
        exportId: job.exportId,
        attempt: job.attempts,
        error: failure.message,
      });
      await this.#releaseLease(job);
      throw failure;
    }
    const stored = await storeTransition(
      jobStore,
      job,
      'failed',
      {
        error: { code: failure.code, message: failure.message, retryable: failure.retryable },
        finishedAt: now.toISOString(),
        leaseExpiresAt: undefined,
      },
      now,
      onTransition,
    );
    if (!stored) return this.#lostCommit(job);
    this.#logger.info('Export failed.', { exportId: job.exportId, code: failure.code });
    return { outcome: 'failed' };
  }

  /** The commit's compare-and-set lost: the job was cancelled, or another worker took over. */
  async #lostCommit(job: JobRecord): Promise<ExecuteOutcome> {
    const fresh = await this.#options.jobStore.get({
      tenantId: job.tenantId,
      exportId: job.exportId,
    });
    if (fresh?.status === 'cancelled') return { outcome: 'cancelled' };
    this.#logger.warn('Stale worker: another run owns this export; nothing committed.', {
      exportId: job.exportId,
      runId: job.runId,
    });
    return { outcome: 'skipped' };
  }

  async #releaseLease(job: JobRecord): Promise<void> {
    const now = this.#clock();
    await storeTransition(
      this.#options.jobStore,
      job,
      'running',
      { leaseExpiresAt: now.toISOString() },
      now,
    ).catch(() => undefined);
  }

  async #estimate(job: JobRecord, type: ResolvedExportType): Promise<number | undefined> {
    const { source } = type.definition;
    if (!source.estimateRows) return undefined;
    try {
      return await source.estimateRows(sourceQuery(job, type));
    } catch (error) {
      this.#logger.warn('estimateRows failed; progress will have no ETA.', {
        error: String(error),
      });
      return undefined;
    }
  }

  #reportProgress(heartbeat: Heartbeat): NodeJS.Timeout | undefined {
    const { onProgress, progressIntervalMs } = this.#options;
    if (!onProgress) return undefined;
    const timer = setInterval(
      () => onProgress({ job: heartbeat.job, progress: heartbeat.progress() }),
      progressIntervalMs,
    );
    timer.unref();
    return timer;
  }
}

function parseMessage(body: unknown): { tenantId: string; exportId: string } {
  const message = (body ?? {}) as Partial<JobMessage>;
  try {
    assertExportId(message.exportId);
    assertTenantId(message.tenantId);
  } catch (error) {
    throw new ExportkitError(
      'INVALID_REQUEST',
      `[exportkit] [worker] Malformed job message: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { tenantId: message.tenantId, exportId: message.exportId };
}

function asFailure(error: unknown): ExportkitError {
  if (error instanceof ExportkitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ExportkitError('SOURCE_ERROR', `Reading or writing rows failed: ${message}`, {
    cause: error,
  });
}
