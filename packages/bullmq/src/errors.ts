import { ExportkitError } from '@exportkit/core';

/**
 * The status codes BullMQ's scripts return when a job moved under us, attached as `code` to
 * the errors it throws (see bullmq's `ErrorCode` enum).
 */
export const bullmqCodes = {
  jobNotExist: -1,
  lockNotExist: -2,
  notInState: -3,
  lockMismatch: -6,
} as const;

/** The numeric BullMQ script code of `error`, when it has one. */
export function bullmqCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** True when BullMQ refused an operation because this delivery no longer owns the job. */
export function isLostDelivery(error: unknown): boolean {
  const code = bullmqCode(error);
  return (
    code === bullmqCodes.jobNotExist ||
    code === bullmqCodes.lockNotExist ||
    code === bullmqCodes.notInState ||
    code === bullmqCodes.lockMismatch
  );
}

/** Wraps a Redis or BullMQ failure as a retryable `QUEUE_ERROR` naming the operation. */
export function queueError(operation: string, cause: unknown): ExportkitError {
  if (cause instanceof ExportkitError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ExportkitError(
    'QUEUE_ERROR',
    `[exportkit] [bullmq] ${operation} failed: ${reason}. Check that Redis is reachable and the connection options are right; the operation can be retried.`,
    { cause, details: { operation } },
  );
}

/**
 * Runs one Redis operation with a deadline. With `maxRetriesPerRequest: null` (which BullMQ
 * workers need) ioredis queues commands until Redis comes back, so without a deadline an
 * unreachable Redis would hang every caller instead of failing.
 */
export async function withDeadline<T>(
  operation: string,
  timeoutMs: number,
  run: () => Promise<T>,
  lastConnectionError?: () => Error | undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const last = lastConnectionError?.();
      const suffix = last ? ` (last connection error: ${last.message})` : '';
      reject(
        queueError(
          operation,
          new Error(`no answer from Redis within ${timeoutMs} ms${suffix}`, { cause: last }),
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    throw queueError(operation, error);
  } finally {
    clearTimeout(timer);
  }
}
