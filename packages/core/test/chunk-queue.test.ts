import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../src/parts/chunk-queue.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

/** Whether `promise` settled within a few turns of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('ChunkQueue', () => {
  it('hands the reader every chunk in order, then ends', async () => {
    const queue = new ChunkQueue(100);
    const read = (async () => {
      const seen: number[] = [];
      for await (const chunk of queue) seen.push(chunk[0] as number);
      return seen;
    })();
    queue.push(bytes(1, 1));
    await settled(Promise.resolve());
    queue.push(bytes(1, 2));
    queue.push(bytes(1, 3));
    queue.end();
    expect(await read).toEqual([1, 2, 3]);
    expect(queue.abandoned).toBe(false);
  });

  it('asks the writer to wait at the mark, and lets it go once the reader is below it', async () => {
    const queue = new ChunkQueue(10);
    expect(queue.push(bytes(6))).toBe(false);
    expect(queue.push(bytes(6))).toBe(true);
    const drained = queue.drained();
    expect(await settled(drained)).toBe(false);
    const reader = queue[Symbol.asyncIterator]();
    await reader.next(); // 6 bytes left: below the mark
    expect(await settled(drained)).toBe(true);
    expect(await settled(queue.drained())).toBe(true);
  });

  it('fails the reader with the error, and releases a waiting writer', async () => {
    const queue = new ChunkQueue(4);
    queue.push(bytes(8));
    const drained = queue.drained();
    const reader = queue[Symbol.asyncIterator]();
    const error = new Error('store gone');
    queue.fail(error);
    await expect(reader.next()).rejects.toBe(error);
    expect(await settled(drained)).toBe(true);
    expect(queue.abandoned).toBe(false);
  });

  it('wakes a reader waiting for chunks when one is pushed, the body ends or fails', async () => {
    const queue = new ChunkQueue(100);
    const reader = queue[Symbol.asyncIterator]();
    const first = reader.next();
    expect(await settled(first)).toBe(false);
    queue.push(bytes(2, 7));
    expect((await first).value).toEqual(bytes(2, 7));
    const second = reader.next();
    queue.end();
    expect((await second).done).toBe(true);

    const failing = new ChunkQueue(100);
    const next = failing[Symbol.asyncIterator]().next();
    failing.fail(new Error('aborted'));
    await expect(next).rejects.toThrow('aborted');
  });

  it('marks a reader that stops early as abandoned, and never leaves the writer waiting', async () => {
    const queue = new ChunkQueue(4);
    queue.push(bytes(4));
    queue.push(bytes(4));
    const drained = queue.drained();
    for await (const _ of queue) break;
    expect(queue.abandoned).toBe(true);
    expect(await settled(drained)).toBe(true);
    expect(await settled(queue.drained())).toBe(true);
  });
});
