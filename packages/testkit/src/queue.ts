import type { QueueCapabilities } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { resolveCapabilities, useFixture } from './fixture-lifecycle.js';
import type { QueueFixture } from './fixtures.js';
import { queueBasicTests } from './queue-basic.js';
import { queueDeadLetterTests } from './queue-dead-letter.js';
import { queueDedupTests } from './queue-dedup.js';
import { queueDelayTests } from './queue-delay.js';
import { queueLeaseTests } from './queue-lease.js';

/** Options for {@link queueConformance}. */
export interface QueueSuiteOptions {
  /** Per-test timeout; the slowest tests wait about 12 × `minVisibilityMs`. @defaultValue `30_000` */
  timeoutMs?: number;
  /**
   * The capabilities that decide which groups run. When omitted, the suite builds one probe
   * fixture while collecting tests and reads `queue.capabilities`. Either way one test checks
   * that every fixture's adapter declares exactly these.
   */
  capabilities?: QueueCapabilities;
}

/** The suite options with defaults filled in, as the groups see them. */
export interface ResolvedQueueSuiteOptions {
  timeoutMs: number;
  capabilities: QueueCapabilities;
}

/**
 * Registers the Queue conformance suite: send / receive / ack, long polling, visibility
 * timeouts and redelivery, nack, lease extension, abort, and (per capability) delays, dedup
 * and dead-lettering. Waits scale with the fixture's `minVisibilityMs` (default 200).
 */
export function queueConformance(
  name: string,
  factory: () => Promise<QueueFixture>,
  options: QueueSuiteOptions = {},
): void {
  describe(`Queue conformance: ${name}`, async () => {
    const capabilities = await resolveCapabilities(
      factory,
      (f) => f.queue.capabilities,
      options.capabilities,
    );
    const resolved: ResolvedQueueSuiteOptions = {
      timeoutMs: options.timeoutMs ?? 30_000,
      capabilities,
    };
    describe('capabilities', () => {
      const fixture = useFixture(factory);
      it(`declares ${JSON.stringify(capabilities)}`, () => {
        expect(fixture().queue.capabilities).toEqual(capabilities);
        expect(fixture().maxReceives).toBeGreaterThanOrEqual(1);
      });
    });
    queueBasicTests(factory, resolved);
    queueLeaseTests(factory, resolved);
    if (capabilities.delay) queueDelayTests(factory, resolved);
    if (capabilities.dedup) queueDedupTests(factory, resolved);
    if (capabilities.deadLetter) queueDeadLetterTests(factory, resolved);
  });
}
