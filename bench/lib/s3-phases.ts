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
 * can be traced to the phase of the upload where the time goes. `phases(startedAt, seconds)`
 * splits the run that started at that `performance.now()` time and took `seconds`, from the
 * calls that started within it (not a warm-up's), and forgets the calls seen so far.
 */
export function trackS3Phases(client: S3Client): {
  phases(startedAt: number, seconds: number): S3Phases;
} {
  let calls: { command: string | undefined; at: number; ms: number }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const at = performance.now();
      try {
        return await next(args);
      } finally {
        calls.push({ command: context.commandName, at, ms: performance.now() - at });
      }
    },
    { step: 'initialize', name: 'benchS3Phases' },
  );
  return {
    phases(startedAt, seconds) {
      const run = calls.filter((c) => c.at >= startedAt && c.at <= startedAt + seconds * 1000);
      calls = [];
      const firstPart = run.find((c) => c.command === 'UploadPartCommand')?.at ?? startedAt;
      const before = (firstPart - startedAt) / 1000;
      const completing =
        run
          .filter((c) => c.command === 'CompleteMultipartUploadCommand')
          .reduce((sum, c) => sum + c.ms, 0) / 1000;
      return { beforeParts: before, parts: seconds - before - completing, completing };
    },
  };
}
