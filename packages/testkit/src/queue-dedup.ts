import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { QueueFixture } from './fixtures.js';
import { makeJobMessage } from './job-record.js';
import type { ResolvedQueueSuiteOptions } from './queue.js';
import { receiveWithin } from './queue-receive.js';

/** send({ dedupId }) collapses duplicates while one is waiting (capabilities.dedup). */
export function queueDedupTests(
  factory: () => Promise<QueueFixture>,
  options: ResolvedQueueSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('dedup', () => {
    const fixture = useFixture(factory);
    const unit = (): number => fixture().minVisibilityMs ?? 200;

    it('two sends with the same dedupId deliver one message', { timeout }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      await queue.send(message, { dedupId: message.exportId });
      await queue.send(message, { dedupId: message.exportId });
      const received = await receiveWithin(queue, {
        count: 2,
        withinMs: unit() * 5,
        visibilityTimeoutMs: unit() * 20,
      });
      expect(received.map((m) => m.body)).toEqual([message]);
    });

    it('sends with different dedupIds all deliver', { timeout }, async () => {
      const { queue } = fixture();
      const a = makeJobMessage();
      const b = makeJobMessage();
      await queue.send(a, { dedupId: a.exportId });
      await queue.send(b, { dedupId: b.exportId });
      const received = await receiveWithin(queue, {
        count: 2,
        withinMs: unit() * 10,
        visibilityTimeoutMs: unit() * 20,
      });
      expect(received.map((m) => m.body.exportId).sort()).toEqual([a.exportId, b.exportId].sort());
    });
  });
}
