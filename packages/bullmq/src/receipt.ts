import { ExportkitError } from '@exportkit/core';

/**
 * A receipt names one delivery: the lock token BullMQ stored for it and the job id. The token
 * is a UUID (no `:`), so the first `:` separates the two whatever the job id holds.
 */
export function encodeReceipt(token: string, jobId: string): string {
  return `${token}:${jobId}`;
}

/** Splits a receipt made by {@link encodeReceipt}. */
export function decodeReceipt(receipt: string): { token: string; jobId: string } {
  const at = receipt.indexOf(':');
  if (at <= 0 || at === receipt.length - 1) {
    throw new ExportkitError(
      'INVALID_REQUEST',
      '[exportkit] [bullmq] Not a receipt of this adapter: pass the ReceivedMessage that receive() returned.',
      { details: { receipt } },
    );
  }
  return { token: receipt.slice(0, at), jobId: receipt.slice(at + 1) };
}
