import type { JobRecord } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { JobStoreFixture } from './fixtures.js';
import { jobKey, makeJobRecord } from './job-record.js';
import type { ResolvedJobStoreSuiteOptions } from './job-store.js';

/** create-if-absent, get, delete, and faithful round trips. */
export function jobStoreBasicTests(
  factory: () => Promise<JobStoreFixture>,
  options: ResolvedJobStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('create, get, delete', () => {
    const fixture = useFixture(factory);

    it('create stores an absent record and get returns it', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      expect(await store.create(job)).toEqual({ created: true, job });
      expect(await store.get(jobKey(job))).toEqual(job);
    });

    it('a second create of the same key stores nothing and returns the stored record', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const first = makeJobRecord({ requestedBy: 'alice' });
      const second: JobRecord = {
        ...first,
        requestedBy: 'bob',
        updatedAt: new Date(Date.now() + 1000).toISOString(),
      };
      await store.create(first);
      expect(await store.create(second)).toEqual({ created: false, job: first });
      expect(await store.get(jobKey(first))).toEqual(first);
    });

    it('get of an absent record resolves undefined', { timeout }, async () => {
      const job = makeJobRecord();
      expect(
        await fixture().store.get({ tenantId: job.tenantId, exportId: job.exportId }),
      ).toBeUndefined();
    });

    it('the same export id under two tenants is two records', { timeout }, async () => {
      const { store } = fixture();
      const a = makeJobRecord({ tenantId: 'tenant-a' });
      const b = makeJobRecord({ tenantId: 'tenant-b', exportId: a.exportId });
      expect((await store.create(a)).created).toBe(true);
      expect((await store.create(b)).created).toBe(true);
      expect(await store.get(jobKey(a))).toEqual(a);
      expect(await store.get(jobKey(b))).toEqual(b);
      await store.delete(jobKey(a));
      expect(await store.get(jobKey(a))).toBeUndefined();
      expect(await store.get(jobKey(b))).toEqual(b);
    });

    it('round-trips every optional member exactly', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord({
        status: 'succeeded',
        requestedBy: 'user-1',
        attempts: 2,
        runId: 'run-01',
        fence: 'fence-01',
        leaseExpiresAt: '2024-01-02T03:04:05.678Z',
        startedAt: '2024-01-02T03:00:00.000Z',
        finishedAt: '2024-01-02T03:04:00.000Z',
        progress: {
          rows: 10,
          bytes: 200,
          parts: 1,
          estimatedRows: 10,
          fraction: 1,
          etaMs: 0,
          updatedAt: '2024-01-02T03:04:00.000Z',
        },
        result: {
          manifestKey: 'exports/t/id/run/manifest.json',
          rows: 10,
          bytes: 200,
          parts: 1,
          truncated: { reason: 'maxRows', limit: 10 },
        },
        error: { code: 'SOURCE_ERROR', message: 'ünïcødé "quoted"\nline', retryable: true },
      });
      await store.create(job);
      expect(await store.get(jobKey(job))).toEqual(job);
    });

    it('stored records are snapshots: mutating passed or returned objects changes nothing', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      const copy = structuredClone(job);
      const { job: returned } = await store.create(job);
      job.status = 'failed';
      job.request.filters.status = 'mutated';
      returned.attempts = 99;
      const read = await store.get(jobKey(copy));
      expect(read).toEqual(copy);
      read!.status = 'expired';
      expect(await store.get(jobKey(copy))).toEqual(copy);
    });

    it('delete removes a record and is idempotent', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      await store.create(job);
      await store.delete(jobKey(job));
      expect(await store.get(jobKey(job))).toBeUndefined();
      await store.delete(jobKey(job));
      await store.delete({ tenantId: 'tenant-a', exportId: makeJobRecord().exportId });
      expect((await store.create(job)).created).toBe(true);
    });
  });
}
