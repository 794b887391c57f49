import type { JobRecord } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { JobStoreFixture } from './fixtures.js';
import { jobKey, makeJobRecord } from './job-record.js';
import type { ResolvedJobStoreSuiteOptions } from './job-store.js';

/** Races that must have exactly one winner (capabilities.atomicTransitions). */
export function jobStoreAtomicTests(
  factory: () => Promise<JobStoreFixture>,
  options: ResolvedJobStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  const n = options.concurrency;
  describe('atomicity', () => {
    const fixture = useFixture(factory);

    it(`${n} concurrent transitions from one expectation: exactly one wins`, {
      timeout,
    }, async () => {
      const { store } = fixture();
      const job = makeJobRecord();
      await store.create(job);
      const nexts: JobRecord[] = Array.from({ length: n }, (_, i) => ({
        ...job,
        status: 'running',
        fence: `fence-${i}`,
        attempts: 1,
      }));
      const results = await Promise.all(
        nexts.map((next) =>
          store.transition(jobKey(job), { status: 'queued', fence: undefined }, next),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = nexts[results.indexOf(true)];
      expect(await store.get(jobKey(job))).toEqual(winner);
    });

    it(`${n} concurrent creates of one key: exactly one creates, all see its record`, {
      timeout,
    }, async () => {
      const { store } = fixture();
      const base = makeJobRecord();
      const candidates = Array.from({ length: n }, (_, i) => ({
        ...base,
        requestedBy: `user-${i}`,
      }));
      const results = await Promise.all(candidates.map((job) => store.create(job)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const stored = await store.get(jobKey(base));
      expect(stored).toEqual(results.find((r) => r.created)?.job);
      for (const result of results) expect(result.job).toEqual(stored);
    });
  });
}
