import type { JobStoreCapabilities } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { resolveCapabilities, useFixture } from './fixture-lifecycle.js';
import type { JobStoreFixture } from './fixtures.js';
import { jobStoreAtomicTests } from './job-store-atomic.js';
import { jobStoreBasicTests } from './job-store-basic.js';
import { jobStoreListTests } from './job-store-list.js';
import { jobStoreTransitionTests } from './job-store-transition.js';

/** Options for {@link jobStoreConformance}. */
export interface JobStoreSuiteOptions {
  /** How many concurrent creates / transitions race in the atomicity tests. @defaultValue `10` */
  concurrency?: number;
  /** Per-test timeout. @defaultValue `30_000` */
  timeoutMs?: number;
  /**
   * The capabilities that decide which groups run. When omitted, the suite builds one probe
   * fixture while collecting tests and reads `store.capabilities`. Either way one test checks
   * that every fixture's adapter declares exactly these.
   */
  capabilities?: JobStoreCapabilities;
}

/** The suite options with defaults filled in, as the groups see them. */
export interface ResolvedJobStoreSuiteOptions {
  concurrency: number;
  timeoutMs: number;
  capabilities: JobStoreCapabilities;
}

/**
 * Registers the JobStore conformance suite: create-if-absent, get, compare-and-set
 * transitions, tenant-scoped listing with status filter and cursor pagination (newest first:
 * `createdAt` descending, then `exportId` descending), delete, and (when
 * `capabilities.atomicTransitions`) races that must have exactly one winner.
 */
export function jobStoreConformance(
  name: string,
  factory: () => Promise<JobStoreFixture>,
  options: JobStoreSuiteOptions = {},
): void {
  describe(`JobStore conformance: ${name}`, async () => {
    const capabilities = await resolveCapabilities(
      factory,
      (f) => f.store.capabilities,
      options.capabilities,
    );
    const resolved: ResolvedJobStoreSuiteOptions = {
      concurrency: options.concurrency ?? 10,
      timeoutMs: options.timeoutMs ?? 30_000,
      capabilities,
    };
    describe('capabilities', () => {
      const fixture = useFixture(factory);
      it(`declares ${JSON.stringify(capabilities)}`, () => {
        expect(fixture().store.capabilities).toEqual(capabilities);
      });
    });
    jobStoreBasicTests(factory, resolved);
    jobStoreTransitionTests(factory, resolved);
    jobStoreListTests(factory, resolved);
    if (capabilities.atomicTransitions) jobStoreAtomicTests(factory, resolved);
  });
}
