import { ExportkitError } from '@exportkit/core';
import type { BackoffOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';

/** Options for {@link BullMQQueue}. */
export interface BullMQQueueOptions {
  /**
   * Where Redis is: an ioredis instance (left open by `close()`; it must be created with
   * `maxRetriesPerRequest: null`, as BullMQ requires for workers), ioredis options, or a
   * `redis://` URL. With options or a URL the adapter opens and closes its own connections.
   */
  connection: Redis | RedisOptions | string;
  /** The BullMQ queue name. API and worker processes must use the same one. */
  name: string;
  /** BullMQ key prefix: every key of the queue starts with it. @defaultValue `'bull'` */
  prefix?: string;
  /**
   * A message delivered this many times without an ack moves to BullMQ's failed set (the
   * dead-letter destination). Mirrored into each job's `attempts`. @defaultValue `5`
   */
  maxReceives?: number;
  /**
   * BullMQ backoff applied when `nack()` is called without `delayMs`, computed from the
   * receive count with BullMQ's own strategies (`fixed`, `exponential`, with `jitter`).
   * @defaultValue none: a nacked message is visible again at once
   */
  backoff?: BackoffOptions;
  /**
   * How often BullMQ's stalled-job check runs (one check per interval per queue, whatever the
   * number of processes). A message whose lock lapsed (its worker died) is delivered again
   * within `visibilityTimeoutMs + stalledIntervalMs`. @defaultValue `5_000`
   */
  stalledIntervalMs?: number;
  /**
   * Longest single blocking wait (`BZPOPMIN` on BullMQ's marker key) while `receive()` long
   * polls; longer `waitTimeMs` values block in slices of this size. @defaultValue `5_000`
   */
  blockTimeoutMs?: number;
  /**
   * A Redis operation that takes longer fails with `QUEUE_ERROR` (retryable), so an
   * unreachable Redis surfaces as an error instead of a hang. @defaultValue `10_000`
   */
  operationTimeoutMs?: number;
  /** Receives errors BullMQ reports in the background (stalled checks, reconnects). @defaultValue ignored */
  onError?: (error: ExportkitError) => void;
}

/** {@link BullMQQueueOptions} with defaults filled in. */
export interface ResolvedOptions {
  name: string;
  prefix: string;
  maxReceives: number;
  backoff: BackoffOptions | undefined;
  stalledIntervalMs: number;
  blockTimeoutMs: number;
  operationTimeoutMs: number;
  onError: (error: ExportkitError) => void;
}

/** Fills in defaults and rejects values BullMQ would misbehave with. */
export function resolveOptions(options: BullMQQueueOptions): ResolvedOptions {
  if (typeof options.name !== 'string' || options.name === '' || options.name.includes(':')) {
    throw invalid('name must be a non-empty string without ":"', { name: options.name });
  }
  const prefix = options.prefix ?? 'bull';
  if (prefix === '') throw invalid('prefix must not be empty', { prefix });
  const resolved: ResolvedOptions = {
    name: options.name,
    prefix,
    maxReceives: options.maxReceives ?? 5,
    backoff: options.backoff,
    stalledIntervalMs: options.stalledIntervalMs ?? 5_000,
    blockTimeoutMs: options.blockTimeoutMs ?? 5_000,
    operationTimeoutMs: options.operationTimeoutMs ?? 10_000,
    onError: options.onError ?? (() => {}),
  };
  for (const key of [
    'maxReceives',
    'stalledIntervalMs',
    'blockTimeoutMs',
    'operationTimeoutMs',
  ] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 1) {
      throw invalid(`${key} must be a positive integer`, { [key]: value });
    }
  }
  return resolved;
}

function invalid(what: string, details: Record<string, unknown>): ExportkitError {
  return new ExportkitError('INVALID_CONFIG', `[exportkit] [bullmq] ${what}.`, { details });
}
