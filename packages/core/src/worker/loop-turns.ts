import { setImmediate as nextLoopTurn } from 'node:timers/promises';

/**
 * How long the row loop may run between event-loop turns, in ms. A source that needs no I/O
 * (rows in memory, a generator) hands batches over through promises alone, and so does a store
 * that is not waiting on a socket or a file: without turns, timers (the lease heartbeat,
 * progress) fired only once the whole run ended, sockets of parts in flight sat idle, and so,
 * most likely, did the tasks V8 posts to the event loop to finish GC work. In the 1M-row S3
 * bench a turn every 2 ms lowered the worker's peak ArrayBuffers from 40–42 to 31–33 MB and its
 * peak RSS by 10–15 MB, at no measurable cost in speed; turns every 1 or 4 ms did no better.
 */
const maxRunMs = 2;

/**
 * Returns a function to call between batches: it resolves after an event-loop turn once
 * {@link maxRunMs} passed since the last one, and returns `undefined` otherwise, so a source
 * whose batches already arrive through I/O pays only a clock read per batch.
 */
export function loopTurns(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < maxRunMs) return undefined;
    last = now;
    return nextLoopTurn();
  };
}
