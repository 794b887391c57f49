import { MemoryQueue } from '@exportkit/memory';
import { expectExportkitError, makeJobMessage, queueConformance } from '@exportkit/testkit';
import { describe, expect, it } from 'vitest';

queueConformance('MemoryQueue', async () => {
  const queue = new MemoryQueue({ maxReceives: 3 });
  return {
    queue,
    maxReceives: 3,
    deadLetters: () => queue.deadLetters(),
    // Small enough to keep the suite at a few seconds, large enough for timer jitter on a busy CI box.
    minVisibilityMs: 150,
    cleanup: () => queue.close(),
  };
});

describe('MemoryQueue specifics', () => {
  const clocked = (maxReceives = 2): { queue: MemoryQueue; advance(ms: number): void } => {
    let now = 0;
    const queue = new MemoryQueue({ maxReceives, clock: () => now });
    return {
      queue,
      advance: (ms) => {
        now += ms;
      },
    };
  };

  it('redelivers and dead-letters by the injected clock', async () => {
    const { queue, advance } = clocked(2);
    const message = makeJobMessage();
    await queue.send(message);
    const [first] = await queue.receive({ visibilityTimeoutMs: 1000 });
    expect(first?.receiveCount).toBe(1);
    advance(999);
    expect(await queue.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
    advance(1);
    const [second] = await queue.receive({ visibilityTimeoutMs: 1000 });
    expect(second?.receiveCount).toBe(2);
    expect(queue.counts()).toEqual({ waiting: 0, inFlight: 1, deadLetters: 0 });
    advance(1000);
    expect(await queue.receive({ visibilityTimeoutMs: 1000 })).toEqual([]);
    expect(await queue.deadLetters()).toEqual([message]);
    expect(queue.counts()).toEqual({ waiting: 0, inFlight: 0, deadLetters: 1 });
  });

  it('ignores a stale receipt once the message was delivered again', async () => {
    const { queue, advance } = clocked(5);
    await queue.send(makeJobMessage());
    const [first] = await queue.receive({ visibilityTimeoutMs: 10 });
    advance(10);
    const [second] = await queue.receive({ visibilityTimeoutMs: 10_000 });
    await queue.ack(first!);
    await queue.nack(first!);
    await queue.extendLease(first!, 1);
    expect(queue.counts()).toEqual({ waiting: 0, inFlight: 1, deadLetters: 0 });
    await queue.ack(second!);
    expect(queue.counts()).toEqual({ waiting: 0, inFlight: 0, deadLetters: 0 });
  });

  it('a late ack still removes a timed-out message nobody received again', async () => {
    const { queue, advance } = clocked();
    await queue.send(makeJobMessage());
    const [message] = await queue.receive({ visibilityTimeoutMs: 10 });
    advance(50);
    await queue.ack(message!);
    expect(queue.counts().waiting).toBe(0);
  });

  it('dedups only while the first message waits, not once it is in flight', async () => {
    const { queue } = clocked();
    const body = makeJobMessage();
    await queue.send(body, { dedupId: 'x' });
    await queue.send(body, { dedupId: 'x' });
    expect(queue.counts().waiting).toBe(1);
    await queue.receive({ visibilityTimeoutMs: 1000 });
    await queue.send(body, { dedupId: 'x' });
    expect(queue.counts()).toEqual({ waiting: 1, inFlight: 1, deadLetters: 0 });
  });

  it('close ends a pending long poll and refuses later sends', async () => {
    const queue = new MemoryQueue();
    const polling = queue.receive({ visibilityTimeoutMs: 1000, waitTimeMs: 60_000 });
    await queue.close();
    expect(await polling).toEqual([]);
    await expectExportkitError(() => queue.send(makeJobMessage()), 'QUEUE_ERROR');
  });

  it('hands out copies of message bodies', async () => {
    const queue = new MemoryQueue();
    const body = makeJobMessage();
    await queue.send(body);
    const [received] = await queue.receive({ visibilityTimeoutMs: 10 });
    received!.body.tenantId = 'changed';
    body.tenantId = 'changed-too';
    await queue.nack(received!);
    const [again] = await queue.receive({ visibilityTimeoutMs: 10 });
    expect(again?.body.tenantId).toBe('tenant-a');
  });

  it('rejects out-of-range options with INVALID_CONFIG', async () => {
    expect(() => new MemoryQueue({ maxReceives: 0 })).toThrow(/maxReceives/);
    const queue = new MemoryQueue();
    await expectExportkitError(() => queue.receive({ visibilityTimeoutMs: 0 }), 'INVALID_CONFIG');
    await expectExportkitError(
      () => queue.receive({ visibilityTimeoutMs: 10, maxMessages: 0 }),
      'INVALID_CONFIG',
    );
    await expectExportkitError(
      () => queue.send(makeJobMessage(), { delayMs: -1 }),
      'INVALID_CONFIG',
    );
  });
});
