import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { QueueFixture } from './fixtures.js';
import { makeJobMessage } from './job-record.js';
import type { ResolvedQueueSuiteOptions } from './queue.js';
import { receiveWithin } from './queue-receive.js';
import { sleep } from './timing.js';

/** Visibility timeouts, redelivery, nack and lease extension. */
export function queueLeaseTests(
  factory: () => Promise<QueueFixture>,
  options: ResolvedQueueSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('leases and redelivery', () => {
    const fixture = useFixture(factory);
    const unit = (): number => fixture().minVisibilityMs ?? 200;
    const receiveOne = async (visibilityTimeoutMs: number, withinMs = unit() * 10) => {
      const [message] = await receiveWithin(fixture().queue, {
        count: 1,
        withinMs,
        visibilityTimeoutMs,
      });
      expect(message, 'no message arrived').toBeDefined();
      return message!;
    };

    it('a received message is invisible until its timeout, then redelivered with receiveCount 2', {
      timeout,
    }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      await queue.send(message);
      const first = await receiveOne(unit() * 2);
      expect(await queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: 0 })).toEqual([]);
      await sleep(unit() * 2);
      const second = await receiveOne(unit() * 5);
      expect(second.body).toEqual(message);
      expect(second.receiveCount).toBe(first.receiveCount + 1);
      await queue.ack(second);
    });

    it('an acked message is not redelivered after its timeout', { timeout }, async () => {
      const { queue } = fixture();
      await queue.send(makeJobMessage());
      await queue.ack(await receiveOne(unit()));
      await sleep(unit() * 2);
      expect(await queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: unit() * 2 })).toEqual(
        [],
      );
    });

    it('nack returns the message for redelivery at once', { timeout }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      await queue.send(message);
      const first = await receiveOne(unit() * 30);
      await queue.nack(first);
      const started = Date.now();
      const second = await receiveOne(unit() * 30);
      expect(Date.now() - started).toBeLessThan(unit() * 10);
      expect(second.body).toEqual(message);
      expect(second.receiveCount).toBe(2);
      await queue.ack(second);
    });

    it('extendLease keeps a message invisible past its original timeout', { timeout }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      await queue.send(message);
      const received = await receiveOne(unit() * 2);
      await sleep(unit());
      await queue.extendLease(received, unit() * 5);
      await sleep(unit() * 2);
      // Now past the original timeout but inside the extension.
      expect(await queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: 0 })).toEqual([]);
      await sleep(unit() * 3);
      const again = await receiveOne(unit() * 5);
      expect(again.body).toEqual(message);
      expect(again.receiveCount).toBe(2);
      await queue.ack(again);
    });

    it('an extended message can still be acked', { timeout }, async () => {
      const { queue } = fixture();
      await queue.send(makeJobMessage());
      const received = await receiveOne(unit() * 2);
      await queue.extendLease(received, unit() * 3);
      await queue.ack(received);
      await sleep(unit() * 4);
      expect(await queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: unit() })).toEqual([]);
    });
  });
}
