// Local stand-ins for the two AWS services, so the example runs on a laptop or in CI:
// s3rver (a real HTTP server speaking the S3 API) in a child process and local-aws-sqs in this
// process. In AWS you would delete this file and build the clients from the environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';

/** The local services and clients pointed at them. */
export interface LocalAws {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  queueUrl: string;
  dlqUrl: string;
  /** The queue's RedrivePolicy maxReceiveCount. */
  maxReceives: number;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts s3rver and local-aws-sqs, creates the bucket, the dead-letter queue and the job queue
 * (RedrivePolicy after `maxReceives` deliveries, visibility timeout = the worker lease).
 */
export async function startLocalAws(options: {
  maxReceives: number;
  visibilityTimeoutSeconds: number;
}): Promise<LocalAws> {
  const dir = mkdtempSync(join(tmpdir(), 'exportkit-aws-example-'));
  const s3Port = await freePort();
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  // --openssl-legacy-provider: s3rver's paginated listing fails without it on Node 17+.
  const s3rver = spawn(
    process.execPath,
    ['--openssl-legacy-provider', bin, '-d', dir, '-a', '127.0.0.1', '-p', String(s3Port), '-s'],
    {
      stdio: 'ignore',
    },
  );
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  await waitForHttp(s3Endpoint, s3rver);
  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
  });
  const bucket = 'exportkit-example';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1' });
  const sqsEndpoint = `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`;
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials });
  const id = randomUUID().slice(0, 8);
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `exports-dlq-${id}`,
      Attributes: { MessageRetentionPeriod: '1209600' },
    }),
  );
  const dlqArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `exports-${id}`,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
          maxReceiveCount: options.maxReceives,
        }),
      },
    }),
  );

  return {
    s3,
    sqs,
    bucket,
    queueUrl: queue.QueueUrl!,
    dlqUrl: dlq.QueueUrl!,
    maxReceives: options.maxReceives,
    async stop() {
      s3.destroy();
      sqs.destroy();
      sqsServer.closeAllConnections();
      await new Promise<void>((resolve) => sqsServer.close(() => resolve()));
      await stopChild(s3rver);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`s3rver exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`s3rver did not answer on ${url} within 15 s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
