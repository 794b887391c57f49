import { randomUUID } from 'node:crypto';
import type { QueueFixture } from '@exportkit/testkit';
import { Redis } from 'ioredis';
import { BullMQQueue, type BullMQQueueOptions } from '../../src/index.js';
import { testRedis } from './redis-server.js';

/** A fresh queue name and key prefix, so tests never see each other's jobs. */
export function freshNames(): { name: string; prefix: string } {
  const id = randomUUID().slice(0, 8);
  return { name: `q-${id}`, prefix: `ekt-${id}` };
}

/** Deletes every key under `prefix` (the queue's jobs, locks, markers, stalled-check key). */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Options the tests share: short stalled checks so lapsed locks come back within a test. */
export const testTiming = { stalledIntervalMs: 100, blockTimeoutMs: 1_000 } as const;

/** A BullMQQueue on the test Redis under a fresh name and prefix, removed on cleanup. */
export async function queueFixture(
  options: Partial<BullMQQueueOptions> = {},
): Promise<QueueFixture & { queue: BullMQQueue; url: string }> {
  const { url } = await testRedis();
  const names = freshNames();
  const maxReceives = options.maxReceives ?? 3;
  const queue = new BullMQQueue({
    connection: url,
    ...names,
    ...testTiming,
    ...options,
    maxReceives,
  });
  return {
    queue,
    url,
    maxReceives,
    minVisibilityMs: 200,
    deadLetters: async () => (await queue.deadLetters()).map((dead) => dead.body),
    cleanup: async () => {
      await queue.close();
      await deletePrefix(url, names.prefix);
    },
  };
}
