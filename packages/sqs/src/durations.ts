import { ExportkitError } from '@exportkit/core';

/**
 * Milliseconds to SQS's whole seconds, rounding up so a lease is never shorter than asked.
 * Throws `INVALID_CONFIG` above `maxSeconds` (an SQS limit) instead of silently clamping.
 */
export function toSeconds(ms: number, maxSeconds: number, what: string): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [sqs] ${what} must be a finite number of ms >= 0; got ${ms}.`,
    );
  }
  const seconds = Math.ceil(ms / 1000);
  if (seconds > maxSeconds) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [sqs] ${what} is at most ${maxSeconds} s in SQS; got ${ms} ms. Use a shorter duration.`,
      { details: { ms, maxSeconds } },
    );
  }
  return seconds;
}

/** SQS limits, in seconds. */
export const sqsLimits = {
  /** VisibilityTimeout and ChangeMessageVisibility: 12 hours. */
  visibility: 43_200,
  /** DelaySeconds on SendMessage: 15 minutes. */
  delay: 900,
  /** WaitTimeSeconds on ReceiveMessage: 20 seconds. */
  wait: 20,
  /** MaxNumberOfMessages on ReceiveMessage. */
  batch: 10,
} as const;
