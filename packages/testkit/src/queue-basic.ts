import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { QueueFixture } from './fixtures.js';
import { makeJobMessage } from './job-record.js';
import type { ResolvedQueueSuiteOptions } from './queue.js';
import { receiveWithin } from './queue-receive.js';

/** send / receive / ack, empty receives, long polling and abort. */
export function queueBasicTests(
  factory: () => Promise<QueueFixture>,
  options: ResolvedQueueSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('send, receive, ack', () => {
    const fixture = useFixture(factory);
    const unit = (): number => fixture().minVisibilityMs ?? 200;

    it('delivers a sent message once, with receiveCount 1, and ack removes it', {
      timeout,
    }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      await queue.send(message);
      const [received, ...rest] = await receiveWithin(queue, {
        count: 1,
        withinMs: unit() * 10,
        visibilityTimeoutMs: unit() * 10,
      });
      expect(rest).toEqual([]);
      expect(received?.body).toEqual(message);
      expect(received?.receiveCount).toBe(1);
      expect(typeof received?.receipt).toBe('string');
      await queue.ack(received!);
      await queue.ack(received!);
      expect(await queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: unit() * 2 })).toEqual(
        [],
      );
    });

    it('receive on an empty queue with waitTimeMs 0 resolves [] at once', { timeout }, async () => {
      const started = Date.now();
      expect(await fixture().queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: 0 })).toEqual(
        [],
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('a long poll on an empty queue waits about waitTimeMs, then resolves []', {
      timeout,
    }, async () => {
      const wait = unit() * 3;
      const started = Date.now();
      expect(
        await fixture().queue.receive({ visibilityTimeoutMs: unit(), waitTimeMs: wait }),
      ).toEqual([]);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(wait * 0.8);
      expect(elapsed).toBeLessThan(wait + 2000);
    });

    it('a long poll returns as soon as a message arrives', { timeout }, async () => {
      const { queue } = fixture();
      const message = makeJobMessage();
      const wait = unit() * 20;
      const started = Date.now();
      const receiving = queue.receive({ visibilityTimeoutMs: unit() * 5, waitTimeMs: wait });
      setTimeout(() => void queue.send(message), unit());
      const received = await receiving;
      expect(received.map((m) => m.body)).toEqual([message]);
      expect(Date.now() - started).toBeLessThan(wait);
    });

    it('receive returns at most maxMessages (default 1), each message once', {
      timeout,
    }, async () => {
      const { queue } = fixture();
      const messages = [makeJobMessage(), makeJobMessage(), makeJobMessage()];
      for (const message of messages) await queue.send(message);
      const first = await receiveWithin(queue, {
        count: 1,
        withinMs: unit() * 10,
        visibilityTimeoutMs: unit() * 20,
      });
      const single = await queue.receive({
        visibilityTimeoutMs: unit() * 20,
        waitTimeMs: unit() * 2,
      });
      expect(single.length).toBeLessThanOrEqual(1);
      const more = await queue.receive({
        maxMessages: 10,
        visibilityTimeoutMs: unit() * 20,
        waitTimeMs: unit() * 2,
      });
      const rest = await receiveWithin(queue, {
        count: 3 - first.length - single.length - more.length,
        withinMs: unit() * 10,
        visibilityTimeoutMs: unit() * 20,
      });
      const all = [...first, ...single, ...more, ...rest];
      expect(all.map((m) => m.body.exportId).sort()).toEqual(
        messages.map((m) => m.exportId).sort(),
      );
      expect(new Set(all.map((m) => m.receipt)).size).toBe(3);
    });

    it('a receive with an already-aborted signal resolves promptly', { timeout }, async () => {
      const controller = new AbortController();
      controller.abort();
      const started = Date.now();
      const received = await fixture().queue.receive({
        visibilityTimeoutMs: unit(),
        waitTimeMs: 20_000,
        signal: controller.signal,
      });
      expect(received).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('aborting a long poll resolves it promptly with what was received (nothing)', {
      timeout,
    }, async () => {
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), unit());
      const received = await fixture().queue.receive({
        visibilityTimeoutMs: unit(),
        waitTimeMs: 20_000,
        signal: controller.signal,
      });
      expect(received).toEqual([]);
      expect(Date.now() - started).toBeLessThan(unit() + 2000);
    });
  });
}
