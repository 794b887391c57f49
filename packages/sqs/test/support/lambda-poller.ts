import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Does what Lambda's SQS event source mapping does, against the real local queue: receive a
 * batch (with the function's visibility timeout), invoke the handler with the SQS event shape
 * Lambda builds, then delete every record not listed in `batchItemFailures`.
 */
export async function pollOnce(
  client: SQSClient,
  queueUrl: string,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  options: { visibilityTimeoutSeconds: number; batchSize?: number; withinMs?: number },
): Promise<{ event: SQSEvent; response: SQSBatchResponse } | undefined> {
  const messages = await receiveSoon(client, queueUrl, options);
  if (!messages.length) return undefined;
  const arn = await queueArn(client, queueUrl);
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, arn)) };
  const response = await handler(event);
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  for (const record of event.Records) {
    if (!failed.has(record.messageId)) {
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }),
      );
    }
  }
  return { event, response };
}

/**
 * Short polls until a batch arrives. local-aws-sqs keeps a long poll open for its whole wait
 * when fewer than MaxNumberOfMessages are available, which would eat short visibility timeouts.
 */
async function receiveSoon(
  client: SQSClient,
  queueUrl: string,
  options: { visibilityTimeoutSeconds: number; batchSize?: number; withinMs?: number },
): Promise<Message[]> {
  const deadline = Date.now() + (options.withinMs ?? 3_000);
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        WaitTimeSeconds: 0,
        AttributeNames: ['All'],
      }),
    );
    if (out.Messages?.length || Date.now() >= deadline) return out.Messages ?? [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes!.QueueArn!;
}

/** The record Lambda builds from a received SQS message. */
function toRecord(message: Message, arn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp:
        attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: arn.split(':')[3] ?? 'us-east-1',
  };
}
