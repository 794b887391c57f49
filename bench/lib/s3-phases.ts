import type { S3Client } from '@aws-sdk/client-s3';

/** Where one upload run's time went, in seconds. */
export interface S3Phases {
  /** From the run's start to its first UploadPart: claiming, the first part's bytes, CreateMultipartUpload. */
  beforeParts: number;
  /** The rest: sending parts (and, for the worker, writing the manifest). */
  parts: number;
  /** CompleteMultipartUpload calls, in which the server joins the parts. */
  completing: number;
}

/**
 * Watches the UploadPart and CompleteMultipartUpload calls made through `client`, so a ratio
 * can be traced to the phase of the upload where the time goes. `phases(start, end)` splits
 * the run between those `performance.now()` times and forgets the calls seen so far.
 */
export function trackS3Phases(client: S3Client): {
  phases(startMs: number, endMs: number): S3Phases;
} {
  let firstPartAt: number | undefined;
  let completingMs = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const at = performance.now();
      if (context.commandName === 'UploadPartCommand') firstPartAt ??= at;
      try {
        return await next(args);
      } finally {
        if (context.commandName === 'CompleteMultipartUploadCommand') {
          completingMs += performance.now() - at;
        }
      }
    },
    { step: 'initialize', name: 'benchS3Phases' },
  );
  return {
    phases(startMs, endMs) {
      const beforeMs = (firstPartAt ?? startMs) - startMs;
      const result = {
        beforeParts: beforeMs / 1000,
        parts: (endMs - startMs - beforeMs - completingMs) / 1000,
        completing: completingMs / 1000,
      };
      firstPartAt = undefined;
      completingMs = 0;
      return result;
    },
  };
}
