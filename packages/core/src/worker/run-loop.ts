import type { Logger } from '../logger.js';
import type { Queue, ReceivedMessage } from '../ports/queue.js';
import type { ExecuteOutcome } from './export-worker.js';

/** Options for `ExportWorker.run`. */
export interface RunOptions {
  /** Exports processed at once. @defaultValue `1` */
  concurrency?: number;
  /** Abort to stop gracefully. */
  signal?: AbortSignal;
  /** Long-poll wait of each receive. @defaultValue `1_000` */
  pollWaitMs?: number;
}

interface LoopSettings extends RunOptions {
  leaseMs: number;
  shutdownTimeoutMs: number;
  logger: Logger;
}

interface MessageProcessor {
  processMessage(message: ReceivedMessage, signal?: AbortSignal): Promise<ExecuteOutcome>;
}

/** The polling loop behind `ExportWorker.run`, with graceful shutdown. */
export async function runLoop(
  worker: MessageProcessor,
  queue: Queue,
  settings: LoopSettings,
): Promise<void> {
  const { concurrency = 1, signal, pollWaitMs = 1_000, leaseMs, logger } = settings;
  const release = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  while (!signal?.aborted) {
    if (inFlight.size >= concurrency) {
      await firstSettled(inFlight, signal);
      continue;
    }
    let messages: ReceivedMessage[];
    try {
      messages = await queue.receive({
        maxMessages: concurrency - inFlight.size,
        visibilityTimeoutMs: leaseMs,
        waitTimeMs: pollWaitMs,
        ...(signal ? { signal } : {}),
      });
      failures = 0;
    } catch (error) {
      failures++;
      logger.error('Could not receive from the queue; retrying.', {
        queue: queue.name,
        error: String(error),
      });
      await sleep(Math.min(500 * 2 ** failures, 30_000), signal);
      continue;
    }
    for (const message of messages) {
      const task = worker
        .processMessage(message, release.signal)
        .then(
          () => {},
          (error: unknown) =>
            logger.error('Export run failed and will be redelivered.', {
              ...message.body,
              error: String(error),
            }),
        )
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  }
  if (inFlight.size === 0) return;
  logger.info('Stopping: waiting for exports in flight.', { count: inFlight.size });
  const drained = Promise.all(inFlight).then(() => true);
  const timedOut = new Promise<false>((resolve) =>
    setTimeout(() => resolve(false), settings.shutdownTimeoutMs).unref(),
  );
  if (!(await Promise.race([drained, timedOut]))) {
    logger.warn('Shutdown timeout: releasing unfinished exports for redelivery.', {
      count: inFlight.size,
    });
    release.abort();
    await Promise.all(inFlight);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Resolves when one task settles or `signal` aborts, whichever comes first. */
function firstSettled(tasks: Set<Promise<void>>, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    // A listener per wait, removed after: racing against one long-lived abort promise would
    // pile a reaction onto it for every wait of a long-running worker.
    const done = () => {
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    for (const task of tasks) task.then(done, done);
  });
}
