import type { CanonicalRequest } from './request.js';

/**
 * Job statuses, frozen. The Postgres adapter mirrors this list in a CHECK constraint.
 */
export const jobStatuses = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
] as const;

/** One of {@link jobStatuses}. */
export type JobStatus = (typeof jobStatuses)[number];

/** Statuses a job never leaves on its own (a new `request()` may start a new run). */
export const finishedStatuses: readonly JobStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'expired',
];

/** Live progress, published by the worker at each heartbeat. */
export interface JobProgress {
  rows: number;
  bytes: number;
  parts: number;
  /** From `RowSource.estimateRows`, when the source offers it. */
  estimatedRows?: number;
  /** 0..1 when `estimatedRows` is known. */
  fraction?: number;
  /** Milliseconds left at the current rate, when `estimatedRows` is known. */
  etaMs?: number;
  /** ISO 8601 time of this snapshot. */
  updatedAt: string;
}

/** What a failed job records. */
export interface JobFailure {
  code: string;
  message: string;
  retryable: boolean;
}

/** What a succeeded job records; the manifest holds the per-part detail. */
export interface JobResult {
  manifestKey: string;
  rows: number;
  bytes: number;
  parts: number;
  truncated?: { reason: string; limit: number };
}

/**
 * A job record: one per (tenant, export id). Times are ISO 8601 strings so that every
 * JobStore can keep the record as JSON.
 */
export interface JobRecord {
  exportId: string;
  tenantId: string;
  type: string;
  status: JobStatus;
  /** The canonical request the id was hashed from. */
  request: CanonicalRequest;
  /** Who asked first. Not part of the id: users of one tenant share an export. */
  requestedBy?: string;
  createdAt: string;
  updatedAt: string;
  /** Runs started so far (each claim, including reclaims after a crash, counts). */
  attempts: number;
  /** The current run: its id names the storage folder of its parts. */
  runId?: string;
  /** Changes on every claim; a worker holding an older fence can commit nothing. */
  fence?: string;
  /** While running: when the current worker's lease lapses unless it heartbeats. */
  leaseExpiresAt?: string;
  startedAt?: string;
  finishedAt?: string;
  progress?: JobProgress;
  result?: JobResult;
  error?: JobFailure;
}

/** The identity of a job in a JobStore. */
export interface JobKey {
  tenantId: string;
  exportId: string;
}
