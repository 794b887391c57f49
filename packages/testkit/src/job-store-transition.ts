import type { JobRecord } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { JobStoreFixture } from './fixtures.js';
import { jobKey, makeJobRecord } from './job-record.js';
import type { ResolvedJobStoreSuiteOptions } from './job-store.js';

/** transition: compare-and-set on status and fence. */
export function jobStoreTransitionTests(
  factory: () => Promise<JobStoreFixture>,
  options: ResolvedJobStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('transition', () => {
    const fixture = useFixture(factory);
    const claim = (job: JobRecord, fence: string): JobRecord => ({
      ...job,
      status: 'running',
      fence,
      runId: `run-${fence}`,
      attempts: job.attempts + 1,
      startedAt: new Date().toISOString(),
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    });

    it('writes next when status and fence match, and returns true', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      await store.create(job);
      const next = claim(job, 'f1');
      expect(
        await store.transition(jobKey(job), { status: 'queued', fence: undefined }, next),
      ).toBe(true);
      expect(await store.get(jobKey(job))).toEqual(next);
    });

    it('returns false and writes nothing when the status differs', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      await store.create(job);
      expect(
        await store.transition(
          jobKey(job),
          { status: 'running', fence: undefined },
          claim(job, 'f1'),
        ),
      ).toBe(false);
      expect(await store.get(jobKey(job))).toEqual(job);
    });

    it('returns false and writes nothing when the fence differs', { timeout }, async () => {
      const { store } = fixture();
      const job = claim(makeJobRecord(), 'f1');
      await store.create(job);
      const next = { ...job, status: 'succeeded' as const };
      expect(await store.transition(jobKey(job), { status: 'running', fence: 'f2' }, next)).toBe(
        false,
      );
      expect(
        await store.transition(jobKey(job), { status: 'running', fence: undefined }, next),
      ).toBe(false);
      expect(await store.get(jobKey(job))).toEqual(job);
    });

    it('an expected fence does not match a record without one', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      await store.create(job);
      expect(
        await store.transition(jobKey(job), { status: 'queued', fence: 'f1' }, claim(job, 'f2')),
      ).toBe(false);
      expect(await store.get(jobKey(job))).toEqual(job);
    });

    it('returns false for an absent record and does not create it', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      expect(
        await store.transition(
          jobKey(job),
          { status: 'queued', fence: undefined },
          claim(job, 'f1'),
        ),
      ).toBe(false);
      expect(await store.get(jobKey(job))).toBeUndefined();
    });

    it('chains: the old expectation fails once the record moved on', { timeout }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      await store.create(job);
      const running = claim(job, 'f1');
      expect(
        await store.transition(jobKey(job), { status: 'queued', fence: undefined }, running),
      ).toBe(true);
      expect(
        await store.transition(
          jobKey(job),
          { status: 'queued', fence: undefined },
          claim(job, 'f2'),
        ),
      ).toBe(false);
      const heartbeat: JobRecord = {
        ...running,
        progress: { rows: 5, bytes: 50, parts: 0, updatedAt: new Date().toISOString() },
      };
      expect(
        await store.transition(jobKey(job), { status: 'running', fence: 'f1' }, heartbeat),
      ).toBe(true);
      const reclaimed = claim(heartbeat, 'f2');
      expect(
        await store.transition(jobKey(job), { status: 'running', fence: 'f1' }, reclaimed),
      ).toBe(true);
      const done: JobRecord = {
        ...running,
        status: 'succeeded',
        finishedAt: new Date().toISOString(),
      };
      expect(await store.transition(jobKey(job), { status: 'running', fence: 'f1' }, done)).toBe(
        false,
      );
      expect(await store.get(jobKey(job))).toEqual(reclaimed);
    });

    it('the record of another tenant is untouched', { timeout }, async () => {
      const { store } = fixture();
      const a = makeJobRecord({ tenantId: 'tenant-a' });
      const b = makeJobRecord({ tenantId: 'tenant-b', exportId: a.exportId });
      await store.create(a);
      await store.create(b);
      expect(
        await store.transition(jobKey(a), { status: 'queued', fence: undefined }, claim(a, 'f1')),
      ).toBe(true);
      expect(await store.get(jobKey(b))).toEqual(b);
    });
  });
}
