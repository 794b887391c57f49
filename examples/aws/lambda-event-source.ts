// What Lambda's SQS event source mapping does for a function, done locally: receive a batch,
// invoke the handler with the SQS event Lambda would build, delete the records the handler did
// not report in `batchItemFailures` (ReportBatchItemFailures).
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SqsHandler, SqsRecordLike } from '@exportkit/sqs';

/** Polls `queueUrl` and invokes `handler` per batch until `signal` aborts. */
export async function runEventSource(
  sqs: SQSClient,
  queueUrl: string,
  handler: SqsHandler,
  options: {
    batchSize: number;
    functionTimeoutMs: number;
    signal: AbortSignal;
    onBatch?(records: number, failed: number): void;
  },
): Promise<void> {
  const arn = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    )
  ).Attributes?.QueueArn;
  while (!options.signal.aborted) {
    const out = await sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: options.batchSize,
          WaitTimeSeconds: 0,
          AttributeNames: ['All'],
        }),
        { abortSignal: options.signal },
      )
      .catch(() => ({ Messages: [] as Message[] }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    const Records = messages.map((m): SqsRecordLike & Record<string, unknown> => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
    }));
    const invokedAt = Date.now();
    const context = {
      getRemainingTimeInMillis: () => options.functionTimeoutMs - (Date.now() - invokedAt),
    };
    const { batchItemFailures } = await handler({ Records }, context);
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = Records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
    options.onBatch?.(Records.length, failed.size);
  }
}
