// Local stand-ins for the two AWS services, so the example runs on a laptop or in CI:
// s3rver (a real HTTP server speaking the S3 API) in a child process and local-aws-sqs in this
// process. In AWS you would delete this file and build the clients from the environment.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { s3rverClientConfig, s3rverCredentials, startS3rver } from '@exportkit/dev-servers';
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

/**
 * Starts s3rver and local-aws-sqs, creates the bucket, the dead-letter queue and the job queue
 * (RedrivePolicy after `maxReceives` deliveries, visibility timeout = the worker lease).
 */
export async function startLocalAws(options: {
  maxReceives: number;
  visibilityTimeoutSeconds: number;
}): Promise<LocalAws> {
  const bucket = 'exportkit-example';
  const s3rver = await startS3rver({ buckets: [bucket] });
  const s3 = new S3Client(s3rverClientConfig(s3rver.endpoint));

  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1' });
  const sqsEndpoint = `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`;
  // local-aws-sqs is given the same fixed keys.
  const sqs = new SQSClient({
    endpoint: sqsEndpoint,
    region: 'us-east-1',
    credentials: s3rverCredentials,
  });
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
      await s3rver.stop();
    },
  };
}
