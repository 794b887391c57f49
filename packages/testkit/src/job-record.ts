import { randomBytes } from 'node:crypto';
import type { CanonicalRequest, JobKey, JobMessage, JobRecord } from '@exportkit/core';

/** A random export id: 64 lowercase hex characters, the shape every JobStore must accept. */
export function randomExportId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * A valid `queued` {@link JobRecord} for JobStore tests: a random export id, tenant
 * `'tenant-a'`, type `'orders'`, `createdAt` and `updatedAt` now. `overrides` replace any member;
 * the canonical request follows the overridden tenant and type.
 */
export function makeJobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  const tenantId = overrides.tenantId ?? 'tenant-a';
  const type = overrides.type ?? 'orders';
  const now = new Date().toISOString();
  const request: CanonicalRequest = {
    schemaVersion: 1,
    type,
    typeVersion: '1',
    tenantId,
    filters: { status: 'open' },
    format: 'csv',
    compression: 'none',
    columns: ['id', 'name', 'amount', 'active'],
    csv: { delimiter: ',', lineEnding: 'crlf', bom: false, header: true, profile: 'rfc4180' },
    output: {
      maxRowsPerPart: 1_000_000,
      maxBytesPerPart: 256 * 1024 * 1024,
      onLimit: 'fail',
      gzipLevel: 1,
    },
  };
  return {
    exportId: randomExportId(),
    tenantId,
    type,
    status: 'queued',
    request,
    createdAt: now,
    updatedAt: now,
    attempts: 0,
    ...overrides,
  };
}

/** A queue message body with a fresh export id. */
export function makeJobMessage(tenantId = 'tenant-a'): JobMessage {
  return { exportId: randomExportId(), tenantId };
}

/** The `{ tenantId, exportId }` key of a record, without its other members. */
export function jobKey(job: Pick<JobRecord, 'tenantId' | 'exportId'>): JobKey {
  return { tenantId: job.tenantId, exportId: job.exportId };
}
