import type { JobFailure, JobProgress, JobStatus } from './job.js';
import type { Compression, ExportFormat } from './request.js';

/** A download link for one part, minted fresh on every read. */
export interface ExportFile {
  /** 1-based part number. */
  part: number;
  url: string;
  /** ISO 8601 time the URL stops working. */
  expiresAt: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** The file name the download is saved as. */
  fileName: string;
}

/** What the API side tells callers about an export. */
export interface ExportView {
  exportId: string;
  tenantId: string;
  type: string;
  status: JobStatus;
  format: ExportFormat;
  compression: Compression;
  createdAt: string;
  updatedAt: string;
  requestedBy?: string;
  startedAt?: string;
  finishedAt?: string;
  /** While queued or running: rows, bytes, parts so far and, when the source can estimate, ETA. */
  progress?: JobProgress;
  /** When failed: what went wrong and whether asking again may help. */
  error?: JobFailure;
  /** When succeeded: totals, and `truncated` when a configured limit cut it short. */
  result?: {
    rows: number;
    bytes: number;
    parts: number;
    truncated?: { reason: string; limit: number };
  };
  /** When succeeded: one fresh signed URL per part, in part order. */
  files?: ExportFile[];
}

/** What `Exporter.request` answers. */
export interface RequestOutcome {
  export: ExportView;
  /**
   * `'cached'`: a fresh succeeded export was reused (HTTP 200). `'in-progress'`: an identical
   * export is queued or running (202). `'queued'`: this call started a new run (202).
   */
  outcome: 'cached' | 'in-progress' | 'queued';
}

/** A page of exports for one tenant. */
export interface ExportPage {
  items: ExportView[];
  nextCursor?: string;
}
