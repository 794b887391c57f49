import type { Queue, ReceivedMessage } from '@exportkit/core';

/**
 * Receives until `count` messages arrived or `withinMs` passed, long-polling in short slices.
 * Backends may return fewer messages than are available per call (SQS samples servers), so
 * one receive is not proof of emptiness or of completeness.
 */
export async function receiveWithin(
  queue: Queue,
  options: { count: number; withinMs: number; visibilityTimeoutMs: number },
): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  const deadline = Date.now() + options.withinMs;
  while (received.length < options.count) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const batch = await queue.receive({
      maxMessages: Math.min(10, options.count - received.length),
      visibilityTimeoutMs: options.visibilityTimeoutMs,
      waitTimeMs: Math.min(left, 1000),
    });
    received.push(...batch);
  }
  return received;
}
