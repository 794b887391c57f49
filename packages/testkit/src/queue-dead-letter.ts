import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { QueueFixture } from './fixtures.js';
import { makeJobMessage } from './job-record.js';
import type { ResolvedQueueSuiteOptions } from './queue.js';
import { receiveWithin } from './queue-receive.js';
import { eventually } from './timing.js';

/** Messages received more than maxReceives times move to the dead-letter destination. */
export function queueDeadLetterTests(
  factory: () => Promise<QueueFixture>,
  options: ResolvedQueueSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('dead letters', () => {
    const fixture = useFixture(factory);
    const unit = (): number => fixture().minVisibilityMs ?? 200;

    it('a message nacked maxReceives times is dead-lettered and not delivered again', {
      timeout,
    }, async () => {
      const { queue, maxReceives } = fixture();
      const doomed = makeJobMessage();
      await queue.send(doomed);
      for (let receive = 1; receive <= maxReceives; receive++) {
        const [message] = await receiveWithin(queue, {
          count: 1,
          withinMs: unit() * 10,
          visibilityTimeoutMs: unit() * 30,
        });
        expect(message?.body, `delivery ${receive}`).toEqual(doomed);
        expect(message?.receiveCount).toBe(receive);
        await queue.nack(message!);
      }
      // Backends move the message when the next receive finds it past the limit.
      const arrived = await eventually(async () => {
        const extra = await queue.receive({ visibilityTimeoutMs: unit() * 30, waitTimeMs: unit() });
        expect(extra.map((m) => m.body)).toEqual([]);
        return (await fixture().deadLetters()).some((m) => m.exportId === doomed.exportId);
      }, unit() * 20);
      expect(arrived, 'the message never reached the dead-letter destination').toBe(true);
      const dead = await fixture().deadLetters();
      expect(dead).toEqual([doomed]);
      expect(await queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: unit() * 2 })).toEqual(
        [],
      );
    });

    it('an acked message never reaches the dead letters', { timeout }, async () => {
      const { queue } = fixture();
      await queue.send(makeJobMessage());
      const [received] = await receiveWithin(queue, {
        count: 1,
        withinMs: unit() * 10,
        visibilityTimeoutMs: unit() * 10,
      });
      await queue.ack(received!);
      expect(await fixture().deadLetters()).toEqual([]);
    });
  });
}
