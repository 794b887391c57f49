import { canonicalize } from './canonical-request.js';
import { type CleanupReport, cleanupExports } from './cleanup.js';
import { ExportkitError } from './errors.js';
import { assertExportId, computeExportId } from './export-id.js';
import type { ExportTypeDefinition } from './export-type.js';
import { ExportTypeRegistry, type ResolvedExportType } from './export-types.js';
import type { ExportFile, ExportPage, ExportView, RequestOutcome } from './export-view.js';
import { signPart, toView } from './export-views.js';
import type { JobKey, JobRecord, JobStatus } from './job.js';
import {
  guarded,
  notifyCreated,
  storeTransition,
  type TransitionListener,
} from './job-transition.js';
import { assertTenantId } from './keys.js';
import type { Manifest } from './manifest.js';
import { ManifestReader } from './manifest-reader.js';
import type { JobStore } from './ports/job-store.js';
import type { ObjectStore } from './ports/object-store.js';
import type { Queue } from './ports/queue.js';
import type { ExportRequest } from './request.js';

/** Options for {@link Exporter}. */
export interface ExporterOptions {
  jobStore: JobStore;
  queue: Queue;
  store: ObjectStore;
  /** The export types on offer; give the worker the same list. */
  types: readonly ExportTypeDefinition[];
  /** Key prefix of every object written. @defaultValue `'exports'` */
  prefix?: string;
  /**
   * A job queued (or running with a lapsed lease) for longer than this is enqueued again on the
   * next request, so a lost message or a dead-lettered crash never leaves it pending forever.
   * @defaultValue `300_000` (5 minutes)
   */
  requeueAfterMs?: number;
  /** Told about every status change this side makes. */
  onTransition?: TransitionListener;
  /** @defaultValue `() => new Date()` */
  clock?: () => Date;
}

/** Options for {@link Exporter.list}. */
export interface ListExportsOptions {
  status?: readonly JobStatus[];
  /** @defaultValue `50` (at most 500) */
  limit?: number;
  cursor?: string;
}

/**
 * The API side: turns requests into deterministic exports, enqueues work, and answers status,
 * list, cancel and download calls with fresh signed URLs. Every call is scoped to one tenant.
 */
export class Exporter {
  readonly #registry: ExportTypeRegistry;
  readonly #manifests: ManifestReader;
  readonly #options: ExporterOptions;
  readonly #clock: () => Date;

  constructor(options: ExporterOptions) {
    this.#options = options;
    this.#registry = new ExportTypeRegistry(options.types);
    this.#manifests = new ManifestReader(options.store);
    this.#clock = options.clock ?? (() => new Date());
  }

  /** The registered export types, with their defaults filled in. */
  get types(): readonly ResolvedExportType[] {
    return this.#registry.all();
  }

  /**
   * Asks for an export. A fresh succeeded export with the same id is returned at once with
   * URLs (`'cached'`); a queued or running one reports progress (`'in-progress'`); anything else
   * starts a new run and enqueues it exactly once, even under concurrent identical requests
   * when the JobStore is atomic (`'queued'`).
   */
  async request(request: ExportRequest): Promise<RequestOutcome> {
    const now = this.#clock();
    const { canonical, type } = canonicalize(request, this.#registry, now);
    const exportId = computeExportId(canonical);
    const { jobStore, onTransition } = this.#options;
    const fresh: JobRecord = {
      exportId,
      tenantId: canonical.tenantId,
      type: type.name,
      status: 'queued',
      request: canonical,
      ...(request.requestedBy !== undefined ? { requestedBy: request.requestedBy } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      attempts: 0,
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const { created, job } = await guarded(jobStore, () => jobStore.create(fresh));
      if (created) {
        notifyCreated(onTransition, job);
        return this.#enqueue(job);
      }
      const answer = await this.#answerExisting(job, type, request.requestedBy, now);
      if (answer) return answer;
    }
    throw new ExportkitError(
      'CONFLICT',
      `Export ${exportId} kept changing while it was requested; try again.`,
    );
  }

  /** The export's status, with one fresh signed URL per part when it has succeeded. */
  async status(tenantId: string, exportId: string): Promise<ExportView> {
    const job = await this.#get(tenantId, exportId);
    return this.#viewWithFiles(job);
  }

  /** A page of the tenant's exports, newest first, without URLs (ask `status` for those). */
  async list(tenantId: string, options: ListExportsOptions = {}): Promise<ExportPage> {
    assertTenantId(tenantId);
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 50)), 500);
    const { jobStore } = this.#options;
    const page = await guarded(jobStore, () =>
      jobStore.list({
        tenantId,
        limit,
        ...(options.status ? { status: options.status } : {}),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      }),
    );
    return {
      items: page.items.map(toView),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  /**
   * Cancels a queued or running export; a running worker stops at its next heartbeat. Throws
   * `INVALID_TRANSITION` (HTTP 409) when the export has already finished.
   */
  async cancel(tenantId: string, exportId: string): Promise<ExportView> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const job = await this.#get(tenantId, exportId);
      if (job.status !== 'queued' && job.status !== 'running') {
        throw new ExportkitError(
          'INVALID_TRANSITION',
          `Export ${exportId} is already ${job.status}; only queued or running exports can be cancelled.`,
          {
            details: { status: job.status },
          },
        );
      }
      const now = this.#clock();
      const cancelled = await storeTransition(
        this.#options.jobStore,
        job,
        'cancelled',
        { finishedAt: now.toISOString(), leaseExpiresAt: undefined },
        now,
        this.#options.onTransition,
      );
      if (cancelled) return toView(cancelled);
    }
    throw new ExportkitError(
      'CONFLICT',
      `Export ${exportId} kept changing while it was cancelled; try again.`,
    );
  }

  /** The committed manifest of a succeeded export (parts, checksums, serialization rules). */
  async manifest(tenantId: string, exportId: string): Promise<Manifest> {
    return (await this.#committed(tenantId, exportId)).manifest;
  }

  /** A fresh signed URL for one part (1-based) of a succeeded export. */
  async downloadUrl(tenantId: string, exportId: string, part: number): Promise<ExportFile> {
    const { job, manifest } = await this.#committed(tenantId, exportId);
    const entry = manifest.parts.find((p) => p.index === part);
    if (!entry) {
      throw new ExportkitError(
        'PART_NOT_FOUND',
        `Export ${exportId} has parts 1 to ${manifest.parts.length}; got ${part}.`,
        {
          details: { part, parts: manifest.parts.length },
        },
      );
    }
    return signPart(
      this.#options.store,
      job,
      this.#registry.get(job.type),
      manifest,
      entry,
      this.#clock(),
    );
  }

  /**
   * Expires succeeded exports past their type's retention and deletes their files (URLs are
   * never signed past that moment), and deletes files of superseded, crashed, failed and
   * cancelled runs once no URL handed out can still point at them: `urlTtlMs` after they were
   * written and after the record's latest restart.
   */
  cleanup(): Promise<CleanupReport> {
    const { jobStore, store, prefix = 'exports', onTransition } = this.#options;
    return cleanupExports({
      jobStore,
      store,
      prefix,
      registry: this.#registry,
      now: this.#clock(),
      ...(onTransition ? { onTransition } : {}),
    });
  }

  async #answerExisting(
    job: JobRecord,
    type: ResolvedExportType,
    requestedBy: string | undefined,
    now: Date,
  ): Promise<RequestOutcome | undefined> {
    switch (job.status) {
      case 'queued':
      case 'running':
        if (this.#looksAbandoned(job, now)) await this.#send(job);
        return { export: toView(job), outcome: 'in-progress' };
      case 'succeeded':
        if (job.finishedAt && Date.parse(job.finishedAt) + type.maxAgeMs > now.getTime()) {
          return { export: await this.#viewWithFiles(job), outcome: 'cached' };
        }
        break;
      default:
        break;
    }
    const restarted = await storeTransition(
      this.#options.jobStore,
      job,
      'queued',
      {
        ...(requestedBy !== undefined ? { requestedBy } : {}),
        createdAt: now.toISOString(),
        runId: undefined,
        fence: undefined,
        leaseExpiresAt: undefined,
        startedAt: undefined,
        finishedAt: undefined,
        progress: undefined,
        result: undefined,
        error: undefined,
      },
      now,
      this.#options.onTransition,
    );
    return restarted ? this.#enqueue(restarted) : undefined;
  }

  /** Queued with no claim, or running with a lapsed lease, for longer than `requeueAfterMs`. */
  #looksAbandoned(job: JobRecord, now: Date): boolean {
    const after = this.#options.requeueAfterMs ?? 300_000;
    const since = job.status === 'queued' ? job.updatedAt : job.leaseExpiresAt;
    return since !== undefined && now.getTime() - Date.parse(since) > after;
  }

  async #enqueue(job: JobRecord): Promise<RequestOutcome> {
    try {
      await this.#send(job);
    } catch (error) {
      // Record the failure so the next request starts over instead of waiting on a lost message.
      const now = this.#clock();
      const failure = {
        code: 'QUEUE_ERROR',
        message: 'The export could not be enqueued; request it again.',
        retryable: true,
      };
      await storeTransition(
        this.#options.jobStore,
        job,
        'failed',
        { error: failure, finishedAt: now.toISOString() },
        now,
        this.#options.onTransition,
      ).catch(() => undefined);
      throw error;
    }
    return { export: toView(job), outcome: 'queued' };
  }

  async #send(job: JobRecord): Promise<void> {
    const { queue } = this.#options;
    try {
      // One dedup id per run (a restart stamps a new createdAt): duplicates of this run collapse,
      // while a queue that remembers ids after delivery (SQS FIFO, BullMQ) still takes the next run.
      const dedupId = `${job.exportId}-${Date.parse(job.createdAt)}`;
      await queue.send({ exportId: job.exportId, tenantId: job.tenantId }, { dedupId });
    } catch (error) {
      if (error instanceof ExportkitError) throw error;
      throw new ExportkitError(
        'QUEUE_ERROR',
        `[exportkit] [${queue.name}] Could not enqueue export ${job.exportId}.`,
        { cause: error },
      );
    }
  }

  async #get(tenantId: string, exportId: string): Promise<JobRecord> {
    assertTenantId(tenantId);
    assertExportId(exportId);
    const key: JobKey = { tenantId, exportId };
    const { jobStore } = this.#options;
    const job = await guarded(jobStore, () => jobStore.get(key));
    if (!job)
      throw new ExportkitError(
        'EXPORT_NOT_FOUND',
        `No export ${exportId} exists for this tenant.`,
        { details: { exportId } },
      );
    return job;
  }

  async #committed(
    tenantId: string,
    exportId: string,
  ): Promise<{ job: JobRecord; manifest: Manifest }> {
    const job = await this.#get(tenantId, exportId);
    if (job.status !== 'succeeded' || !job.result) {
      throw new ExportkitError(
        'EXPORT_NOT_READY',
        `Export ${exportId} is ${job.status}; files exist only once it has succeeded.`,
        {
          details: { status: job.status },
        },
      );
    }
    return { job, manifest: await this.#manifests.read(job.result.manifestKey) };
  }

  async #viewWithFiles(job: JobRecord): Promise<ExportView> {
    const view = toView(job);
    if (job.status !== 'succeeded' || !job.result) return view;
    const manifest = await this.#manifests.read(job.result.manifestKey);
    const type = this.#registry.get(job.type);
    const now = this.#clock();
    view.files = await Promise.all(
      manifest.parts.map((part) => signPart(this.#options.store, job, type, manifest, part, now)),
    );
    return view;
  }
}
