import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { QueueFixture } from './fixtures.js';
import { makeJobMessage } from './job-record.js';
import type { ResolvedQueueSuiteOptions } from './queue.js';
import { receiveWithin } from './queue-receive.js';

/** send({ delayMs }) and nack({ delayMs }) hold delivery back (capabilities.delay). */
export function queueDelayTests(
  factory: () => Promise<QueueFixture>,
  options: ResolvedQueueSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('delays', () => {
    const fixture = useFixture(factory);
    const unit = (): number => fixture().minVisibilityMs ?? 200;

    it('send with delayMs holds delivery back', { timeout }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      const sentAt = Date.now();
      await queue.send(message, { delayMs: unit() * 4 });
      expect(await queue.receive({ visibilityTimeoutMs: unit() * 5, waitTimeMs: unit() })).toEqual(
        [],
      );
      const [received] = await receiveWithin(queue, {
        count: 1,
        withinMs: unit() * 15,
        visibilityTimeoutMs: unit() * 5,
      });
      expect(received?.body).toEqual(message);
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(unit() * 4 * 0.8);
    });

    it('nack with delayMs holds redelivery back', { timeout }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      await queue.send(message);
      const [first] = await receiveWithin(queue, {
        count: 1,
        withinMs: unit() * 10,
        visibilityTimeoutMs: unit() * 20,
      });
      expect(first).toBeDefined();
      const nackedAt = Date.now();
      await queue.nack(first!, { delayMs: unit() * 4 });
      expect(await queue.receive({ visibilityTimeoutMs: unit() * 5, waitTimeMs: unit() })).toEqual(
        [],
      );
      const [second] = await receiveWithin(queue, {
        count: 1,
        withinMs: unit() * 15,
        visibilityTimeoutMs: unit() * 5,
      });
      expect(second?.body).toEqual(message);
      expect(second?.receiveCount).toBe(2);
      expect(Date.now() - nackedAt).toBeGreaterThanOrEqual(unit() * 4 * 0.8);
    });
  });
}
