import { ExportkitError } from '@exportkit/core';
import { expectExportkitError, makeJobMessage, receiveWithin, sleep } from '@exportkit/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BullMQQueue } from '../src/index.js';
import { freshNames, queueFixture } from './support/queue-fixture.js';
import { testRedis } from './support/redis-server.js';

type Fixture = Awaited<ReturnType<typeof queueFixture>>;
const open: Fixture[] = [];
async function fixture(options: Parameters<typeof queueFixture>[0] = {}): Promise<Fixture> {
  const created = await queueFixture(options);
  open.push(created);
  return created;
}
afterEach(async () => {
  for (const created of open.splice(0)) await created.cleanup?.();
});
afterAll(async () => (await testRedis()).stop());

describe('BullMQQueue: job ids and dedup', () => {
  it('uses the dedup id (the export id) as BullMQ job id', async () => {
    const { queue } = await fixture();
    const message = makeJobMessage();
    await queue.send(message, { dedupId: message.exportId });
    const job = await queue.bullQueue.getJob(message.exportId);
    expect(job?.data).toEqual(message);
    expect(job?.opts.attempts).toBe(3);
  });

  it('encodes dedup ids BullMQ refuses (integers, colons) instead of failing', async () => {
    const { queue } = await fixture();
    await queue.send(makeJobMessage(), { dedupId: '42' });
    await queue.send(makeJobMessage(), { dedupId: 'a:b' });
    const ids = (await queue.bullQueue.getWaiting()).map((job) => job.id).sort();
    expect(ids).toEqual(['d-42', 'd-a%3Ab']);
  });

  it('a send while the job with that id is running is delivered after it, not lost', async () => {
    const { queue } = await fixture();
    const message = makeJobMessage();
    await queue.send(message, { dedupId: message.exportId });
    const [running] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    await queue.send(message, { dedupId: message.exportId });
    await queue.ack(running!);
    const [again] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    expect(again?.body).toEqual(message);
    expect(again?.receiveCount).toBe(1);
  });

  it('a send of a dead-lettered message retries it with its counters reset', async () => {
    const { queue } = await fixture({ maxReceives: 1 });
    const message = makeJobMessage();
    await queue.send(message, { dedupId: message.exportId });
    const [only] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    await queue.nack(only!);
    expect((await queue.deadLetters()).map((dead) => dead.jobId)).toEqual([message.exportId]);
    await queue.send(message, { dedupId: message.exportId });
    const [again] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    expect(again?.receiveCount).toBe(1);
    expect(await queue.deadLetters()).toEqual([]);
  });
});

describe('BullMQQueue: dead letters and backoff', () => {
  it('dead-letters a message whose lock lapsed maxReceives times, and retryDeadLetters brings it back', async () => {
    const { queue } = await fixture({ maxReceives: 2 });
    const message = makeJobMessage();
    await queue.send(message);
    for (let delivery = 1; delivery <= 2; delivery++) {
      const [received] = await receiveWithin(queue, {
        count: 1,
        withinMs: 3000,
        visibilityTimeoutMs: 200,
      });
      expect(received?.receiveCount).toBe(delivery);
    }
    // The third delivery finds it past maxReceives and moves it to the failed set instead.
    expect(
      await receiveWithin(queue, { count: 1, withinMs: 1500, visibilityTimeoutMs: 200 }),
    ).toEqual([]);
    const [dead] = await queue.deadLetters();
    expect(dead).toMatchObject({ body: message, receiveCount: 3 });
    expect(dead?.reason).toMatch(/more than maxReceives 2/);
    expect(await queue.bullQueue.getFailedCount()).toBe(1);
    expect(await queue.retryDeadLetters()).toBe(1);
    const [back] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    expect(back?.receiveCount).toBe(1);
  });

  it('nack without delayMs applies the configured backoff', async () => {
    const { queue } = await fixture({ backoff: { type: 'exponential', delay: 300 } });
    await queue.send(makeJobMessage());
    const [first] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    const nackedAt = Date.now();
    await queue.nack(first!);
    expect(await queue.bullQueue.getDelayedCount()).toBe(1);
    const [second] = await receiveWithin(queue, {
      count: 1,
      withinMs: 3000,
      visibilityTimeoutMs: 5000,
    });
    expect(Date.now() - nackedAt).toBeGreaterThanOrEqual(280);
    await queue.nack(second!);
    const job = (await queue.bullQueue.getDelayed())[0];
    // exponential: delay × 2^(receiveCount - 1)
    expect(job?.delay).toBe(600);
  });

  it('drops a job whose data is not an exportkit message into the dead letters', async () => {
    const { queue } = await fixture();
    await queue.bullQueue.add('export', { something: 'else' });
    expect(await queue.receive({ visibilityTimeoutMs: 1000, waitTimeMs: 300 })).toEqual([]);
    expect((await queue.deadLetters())[0]?.reason).toMatch(/not an exportkit message/);
  });
});

describe('BullMQQueue: leases across consumers', () => {
  it('a lapsed lock (its worker died) comes back to another consumer with receiveCount 2', async () => {
    const { queue, url } = await fixture();
    const other = new BullMQQueue({
      connection: url,
      name: queue.bullQueue.name,
      prefix: queue.bullQueue.opts.prefix!,
      stalledIntervalMs: 100,
      maxReceives: 3,
    });
    try {
      const message = makeJobMessage();
      await queue.send(message);
      const [first] = await receiveWithin(queue, {
        count: 1,
        withinMs: 2000,
        visibilityTimeoutMs: 300,
      });
      expect(first?.receiveCount).toBe(1);
      const [second] = await receiveWithin(other, {
        count: 1,
        withinMs: 3000,
        visibilityTimeoutMs: 5000,
      });
      expect(second?.body).toEqual(message);
      expect(second?.receiveCount).toBe(2);
      // The dead consumer's receipt no longer owns the job: extending it fails, acking it is harmless.
      await expectExportkitError(queue.extendLease(first!, 5000), 'QUEUE_ERROR');
      await other.ack(second!);
      expect(await queue.bullQueue.getJobCountByTypes('active', 'wait', 'delayed', 'failed')).toBe(
        0,
      );
    } finally {
      await other.close();
    }
  });

  it('a receipt can be acked by another adapter instance (another process)', async () => {
    const { queue, url } = await fixture();
    const other = new BullMQQueue({
      connection: url,
      name: queue.bullQueue.name,
      prefix: queue.bullQueue.opts.prefix!,
    });
    try {
      await queue.send(makeJobMessage());
      const [received] = await receiveWithin(queue, {
        count: 1,
        withinMs: 2000,
        visibilityTimeoutMs: 5000,
      });
      await other.ack(received!);
      expect(await queue.bullQueue.getJobCountByTypes('active', 'wait', 'completed')).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('a job a blocking fetch brings after an abort goes back uncounted', async () => {
    const { queue } = await fixture({ blockTimeoutMs: 3000 });
    const controller = new AbortController();
    const polling = queue.receive({
      visibilityTimeoutMs: 5000,
      waitTimeMs: 10_000,
      signal: controller.signal,
    });
    await sleep(100);
    controller.abort();
    expect(await polling).toEqual([]);
    // The blocking fetch is still waiting in Redis: it takes this message, finds no receiver, releases it.
    await queue.send(makeJobMessage());
    await sleep(300);
    const [received] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    expect(received?.receiveCount).toBe(1);
  });

  it('concurrent receives get different messages', async () => {
    const { queue } = await fixture();
    for (let i = 0; i < 4; i++) await queue.send(makeJobMessage());
    const batches = await Promise.all(
      [1, 2, 3, 4].map(() => queue.receive({ visibilityTimeoutMs: 5000, waitTimeMs: 1000 })),
    );
    const ids = batches.flat().map((m) => m.body.exportId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });
});

describe('BullMQQueue: connections and errors', () => {
  it('maps an unreachable Redis to a retryable QUEUE_ERROR', async () => {
    const queue = new BullMQQueue({
      connection: 'redis://127.0.0.1:1',
      ...freshNames(),
      operationTimeoutMs: 300,
    });
    try {
      const error = (await expectExportkitError(
        queue.send(makeJobMessage()),
        'QUEUE_ERROR',
      )) as ExportkitError;
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/^\[exportkit\] \[bullmq\] send failed/);
      await expectExportkitError(queue.receive({ visibilityTimeoutMs: 1000 }), 'QUEUE_ERROR');
    } finally {
      await queue.close();
    }
  });

  it('rejects an injected ioredis instance without maxRetriesPerRequest: null', async () => {
    const { url } = await testRedis();
    const redis = new Redis(url, { lazyConnect: true });
    expect(() => new BullMQQueue({ connection: redis, ...freshNames() })).toThrow(ExportkitError);
    redis.disconnect();
  });

  it('works on an injected ioredis instance and leaves it open on close', async () => {
    const { url } = await testRedis();
    const redis = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new BullMQQueue({ connection: redis, ...freshNames() });
    await queue.send(makeJobMessage());
    const [received] = await receiveWithin(queue, {
      count: 1,
      withinMs: 2000,
      visibilityTimeoutMs: 5000,
    });
    await queue.ack(received!);
    await queue.bullQueue.obliterate({ force: true });
    await queue.close();
    expect(await redis.ping()).toBe('PONG');
    await redis.quit();
  });

  it('rejects options BullMQ would misbehave with', () => {
    expect(() => new BullMQQueue({ connection: {}, name: 'a:b' })).toThrow(/name must be/);
    expect(() => new BullMQQueue({ connection: {}, name: 'q', maxReceives: 0 })).toThrow(
      /maxReceives/,
    );
  });
});
