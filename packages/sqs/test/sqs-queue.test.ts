import { randomBytes } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { isExportkitError } from '@exportkit/core';
import { mapSqsError, SqsQueue } from '@exportkit/sqs';
import { queueConformance } from '@exportkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsServerHandle, sqsClientFor, startSqsServer } from './support/sqs-server.js';

const maxReceives = 3;
let server: SqsServerHandle;

beforeAll(async () => {
  server = await startSqsServer();
});
afterAll(async () => {
  await server?.stop();
});

const exportId = (): string => randomBytes(32).toString('hex');

queueConformance(
  'sqs standard queue (local-aws-sqs)',
  async () => {
    const pair = await server.createQueues({ maxReceives });
    return {
      queue: new SqsQueue({ client: server.client, queueUrl: pair.queueUrl, maxReceives }),
      maxReceives,
      deadLetters: pair.deadLetters,
      // SQS visibility timeouts are whole seconds.
      minVisibilityMs: 1000,
    };
  },
  { capabilities: { delay: true, dedup: false, deadLetter: true }, timeoutMs: 60_000 },
);

describe('SqsQueue extras', () => {
  it('reads receiveCount from the ApproximateReceiveCount attribute across redeliveries', async () => {
    const { queueUrl } = await server.createQueues({ maxReceives: 5 });
    const queue = new SqsQueue({ client: server.client, queueUrl });
    await queue.send({ exportId: exportId(), tenantId: 't1' });
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [message] = await queue.receive({ visibilityTimeoutMs: 30_000, waitTimeMs: 2_000 });
      counts.push(message!.receiveCount);
      await queue.nack(message!);
    }
    expect(counts).toEqual([1, 2, 3]);
  });

  it('sends only { exportId, tenantId } as the JSON body', async () => {
    const { queueUrl } = await server.createQueues({ maxReceives: 5 });
    const queue = new SqsQueue({ client: server.client, queueUrl });
    const message = { exportId: exportId(), tenantId: 't1', extra: 'dropped' };
    await queue.send(message);
    const out = await server.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(JSON.parse(out.Messages![0]!.Body!)).toEqual({
      exportId: message.exportId,
      tenantId: 't1',
    });
  });

  it('leaves a message that is not a job message in flight, warns, and lets redrive dead-letter it', async () => {
    const pair = await server.createQueues({ maxReceives: 1 });
    const warnings: string[] = [];
    const queue = new SqsQueue({
      client: server.client,
      queueUrl: pair.queueUrl,
      logger: { warn: (m) => warnings.push(m) },
    });
    await server.client.send(
      new SendMessageCommand({ QueueUrl: pair.queueUrl, MessageBody: '{"exportId":"nope"}' }),
    );
    const good = { exportId: exportId(), tenantId: 't1' };
    await queue.send(good);
    // No long poll: local-aws-sqs holds a long poll open for its whole wait when fewer than
    // maxMessages are available, and this 1 s lease would lapse before it returned.
    const received = await queue.receive({
      maxMessages: 10,
      visibilityTimeoutMs: 1_000,
      waitTimeMs: 0,
    });
    expect(received.map((m) => m.body)).toEqual([good]);
    expect(warnings.join('\n')).toMatch(/not a job message: exportId is not 64 lowercase hex/);
    await queue.ack(received[0]!);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await pair.deadLetterBodies()).toEqual(['{"exportId":"nope"}']);
  });

  it('rounds milliseconds up to whole seconds and refuses durations past SQS limits', async () => {
    const { queueUrl } = await server.createQueues({ maxReceives: 5 });
    const queue = new SqsQueue({ client: server.client, queueUrl });
    await queue.send({ exportId: exportId(), tenantId: 't1' });
    // 1 ms of visibility is 1 s, not 0 s: the message stays invisible right after.
    const [message] = await queue.receive({ visibilityTimeoutMs: 1, waitTimeMs: 1_000 });
    expect(message).toBeDefined();
    expect(await queue.receive({ visibilityTimeoutMs: 1_000, waitTimeMs: 0 })).toEqual([]);
    const tooLong = await queue
      .extendLease(message!, 12 * 3600 * 1000 + 1)
      .catch((e: unknown) => e);
    expect(isExportkitError(tooLong, 'INVALID_CONFIG')).toBe(true);
    const tooLate = await queue
      .send({ exportId: exportId(), tenantId: 't1' }, { delayMs: 900_001 })
      .catch((e: unknown) => e);
    expect(isExportkitError(tooLate, 'INVALID_CONFIG')).toBe(true);
  });

  it('extendLease of an acked message throws a non-retryable QUEUE_ERROR saying the lease was lost', async () => {
    const { queueUrl } = await server.createQueues({ maxReceives: 5 });
    const queue = new SqsQueue({ client: server.client, queueUrl });
    await queue.send({ exportId: exportId(), tenantId: 't1' });
    const [message] = await queue.receive({ visibilityTimeoutMs: 5_000, waitTimeMs: 1_000 });
    await queue.ack(message!);
    const error = await queue.extendLease(message!, 5_000).catch((e: unknown) => e);
    expect(isExportkitError(error, 'QUEUE_ERROR')).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(false);
    expect((error as Error).message).toMatch(/lease .* was lost/);
  });

  it("takes AWS's answer to a superseded receipt handle (InvalidParameterValue) as a lost lease", async () => {
    // local-aws-sqs answers MessageNotInflight; AWS answers this, which the emulator cannot
    // produce, so a middleware gives it for the message's ChangeMessageVisibility calls.
    const { queueUrl } = await server.createQueues({ maxReceives: 5 });
    const client = sqsClientFor(server.endpoint);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'ChangeMessageVisibilityCommand') return next(args);
        const handle = (args.input as { ReceiptHandle: string }).ReceiptHandle;
        throw Object.assign(
          new Error(
            `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
          ),
          { name: 'InvalidParameterValue', $fault: 'client', $metadata: { httpStatusCode: 400 } },
        );
      },
      { step: 'initialize', name: 'awsStaleReceipt' },
    );
    const queue = new SqsQueue({ client, queueUrl });
    await queue.send({ exportId: exportId(), tenantId: 't1' });
    const [message] = await queue.receive({ visibilityTimeoutMs: 5_000, waitTimeMs: 1_000 });
    // nack: the message is already back in the queue, nothing to return.
    await expect(queue.nack(message!, { delayMs: 0 })).resolves.toBeUndefined();
    const lost = await queue.extendLease(message!, 5_000).catch((e: unknown) => e);
    expect(isExportkitError(lost, 'QUEUE_ERROR')).toBe(true);
    expect((lost as Error).message).toMatch(/lease .* was lost/);
    client.destroy();
  });

  it('maps query-compatible and KMS error codes: not retryable, saying what to check', () => {
    const sdkError = (name: string, Code?: string) =>
      Object.assign(new Error(`${name} happened`), { name, ...(Code ? { Code } : {}) });
    const where = { action: 'SendMessage', queueUrl: 'https://sqs.example/1/q' };
    const unsupported = mapSqsError(
      sdkError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation'),
      where,
    );
    expect(unsupported.retryable).toBe(false);
    expect(unsupported.message).toMatch(/queue type/);
    const kms = mapSqsError(sdkError('KMS.DisabledException'), where);
    expect(kms.retryable).toBe(false);
    expect(kms.message).toMatch(/KMS key/);
    // A receipt-handle InvalidParameterValue outside nack/extendLease is still a caller mistake.
    expect(mapSqsError(sdkError('InvalidParameterValue'), where).retryable).toBe(false);
    expect(mapSqsError(sdkError('InternalError'), where).retryable).toBe(true);
  });

  it('maps a missing queue to a non-retryable QUEUE_ERROR and a dead endpoint to a retryable one', async () => {
    const missing = new SqsQueue({
      client: server.client,
      queueUrl: `${server.endpoint}/123456789012/does-not-exist`,
    });
    const error = await missing
      .send({ exportId: exportId(), tenantId: 't1' })
      .catch((e: unknown) => e);
    expect(isExportkitError(error, 'QUEUE_ERROR')).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(false);
    expect((error as Error).message).toMatch(
      /^\[exportkit\] \[sqs\] SendMessage on ".*does-not-exist" failed/,
    );
    expect((error as Error).cause).toBeDefined();
    const deadClient = sqsClientFor('http://127.0.0.1:9');
    const dead = new SqsQueue({
      client: deadClient,
      queueUrl: 'http://127.0.0.1:9/123456789012/q',
    });
    const down = await dead.receive({ visibilityTimeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(isExportkitError(down, 'QUEUE_ERROR')).toBe(true);
    expect((down as { retryable: boolean }).retryable).toBe(true);
    deadClient.destroy();
  });

  it('FIFO: the export id deduplicates, each export is its own message group, send delays are refused', async () => {
    const pair = await server.createQueues({ maxReceives: 5, fifo: true });
    const queue = new SqsQueue({ client: server.client, queueUrl: pair.queueUrl });
    expect(queue.capabilities).toEqual({ delay: false, dedup: true, deadLetter: true });
    const a = { exportId: exportId(), tenantId: 't1' };
    const b = { exportId: exportId(), tenantId: 't1' };
    await queue.send(a, { dedupId: a.exportId });
    await queue.send(a, { dedupId: a.exportId });
    await queue.send(b, { dedupId: b.exportId });
    const out = await server.client.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        AttributeNames: ['All'],
      }),
    );
    const attributes = (out.Messages ?? []).map((m) => m.Attributes ?? {});
    expect(attributes.map((x) => x.MessageDeduplicationId).sort()).toEqual(
      [a.exportId, b.exportId].sort(),
    );
    expect(attributes.map((x) => x.MessageGroupId).sort()).toEqual([a.exportId, b.exportId].sort());
    const delayed = await queue.send(a, { delayMs: 1_000 }).catch((e: unknown) => e);
    expect(isExportkitError(delayed, 'INVALID_CONFIG')).toBe(true);
  });

  it('rejects a queueUrl that is not a URL', () => {
    expect(() => new SqsQueue({ client: server.client, queueUrl: 'my-queue' })).toThrow(/queueUrl/);
  });
});
