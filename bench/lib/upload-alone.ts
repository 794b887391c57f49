// The baseline of bench/s3.bench.ts, in a process of its own: lib-storage's `Upload` sending
// files to S3, one round per message from the parent. Apart, so that the worker's peak RSS
// never includes the memory lib-storage's part copies leave behind in the allocator (in one
// process, the worker's later rounds peaked 20–40 MB higher than its first). It also fetches
// the worker's parts into those files, for the same reason: done in the parent, that left the
// worker's rounds after it starting at ~165 MB RSS, against ~122 MB before.
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { s3rverClientConfig } from '@exportkit/dev-servers';
import { timed } from './report.js';
import { type S3Phases, trackS3Phases } from './s3-phases.js';
import { trackUsage, type Usage } from './usage.js';

/** What the parent sends for each round. */
export interface UploadRound {
  kind: 'upload';
  endpoint: string;
  bucket: string;
  files: string[];
  partSize: number;
  queueSize: number;
}

/** What the parent sends once, before the first round: objects to save as the round's files. */
export interface FetchParts {
  kind: 'fetch';
  endpoint: string;
  bucket: string;
  keys: string[];
  files: string[];
}

/** What the child answers: the round's wall time, usage (peak RSS among it) and phases. */
export interface UploadResult extends Usage {
  seconds: number;
  phases: S3Phases;
}

let client: S3Client | undefined;
let tracker: ReturnType<typeof trackS3Phases> | undefined;

process.on('message', async (message: UploadRound | FetchParts) => {
  client ??= new S3Client(s3rverClientConfig(message.endpoint));
  if (message.kind === 'fetch') {
    for (const [i, key] of message.keys.entries()) {
      const object = await client.send(new GetObjectCommand({ Bucket: message.bucket, Key: key }));
      await pipeline(object.Body as Readable, createWriteStream(message.files[i] as string));
    }
    process.send?.({});
    return;
  }
  const round = message;
  const s3 = client;
  tracker ??= trackS3Phases(s3);
  global.gc?.();
  const usage = trackUsage();
  const startedAt = performance.now();
  const seconds = await timed(async () => {
    for (const [i, file] of round.files.entries()) {
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: round.bucket,
          Key: `part-${i}`,
          Body: createReadStream(file, { highWaterMark: 1024 * 1024 }),
        },
        partSize: round.partSize,
        queueSize: round.queueSize,
      });
      await upload.done();
    }
  });
  const result: UploadResult = {
    seconds,
    ...usage.stop(),
    phases: tracker.phases(startedAt, seconds),
  };
  process.send?.(result);
});

process.on('disconnect', () => client?.destroy());
