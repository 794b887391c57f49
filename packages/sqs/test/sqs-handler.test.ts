import { randomBytes } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { JobMessage } from '@exportkit/core';
import {
  createSqsHandler,
  queueUrlFromArn,
  type SqsExecuteOutcome,
  type SqsJobWorker,
} from '@exportkit/sqs';
import type { SQSBatchResponse, SQSEvent, SQSHandler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollOnce } from './support/lambda-poller.js';
import { type SqsServerHandle, startSqsServer } from './support/sqs-server.js';

let server: SqsServerHandle;
beforeAll(async () => {
  server = await startSqsServer();
});
afterAll(async () => {
  await server?.stop();
});

const exportId = (): string => randomBytes(32).toString('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const quiet = { info() {}, warn() {}, error() {} };

/** A worker whose outcome per export id is scripted; it records what it was asked. */
function scriptedWorker(
  script: Record<
    string,
    (options: {
      extendLease?(ms: number): Promise<void>;
      signal?: AbortSignal;
    }) => Promise<SqsExecuteOutcome>
  >,
): SqsJobWorker & { calls: JobMessage[] } {
  const calls: JobMessage[] = [];
  return {
    calls,
    async execute(body, options) {
      calls.push(body);
      const step = script[body.exportId];
      if (!step) throw new Error(`unscripted export ${body.exportId}`);
      return step(options);
    },
  };
}

async function sendAll(queueUrl: string, bodies: string[]): Promise<void> {
  for (const body of bodies)
    await server.client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

describe('createSqsHandler with real SQS events', () => {
  it('reports only the malformed, thrown and deferred records; Lambda deletes the rest', async () => {
    const pair = await server.createQueues({ maxReceives: 5 });
    const ids = {
      ok: exportId(),
      failed: exportId(),
      cancelled: exportId(),
      skipped: exportId(),
      thrown: exportId(),
      deferred: exportId(),
    };
    const worker = scriptedWorker({
      [ids.ok]: async () => ({ outcome: 'succeeded' }),
      [ids.failed]: async () => ({ outcome: 'failed' }),
      [ids.cancelled]: async () => ({ outcome: 'cancelled' }),
      [ids.skipped]: async () => ({ outcome: 'skipped' }),
      [ids.thrown]: async () => {
        throw new Error('database unreachable');
      },
      [ids.deferred]: async () => ({ outcome: 'deferred', retryAfterMs: 1_000 }),
    });
    const errors: string[] = [];
    const handler = createSqsHandler(worker, {
      client: server.client,
      queueUrl: pair.queueUrl,
      concurrency: 3,
      logger: { ...quiet, error: (m) => errors.push(m) },
    });
    // Lambda hands the handler as an SQSHandler: the types must fit.
    const asLambda: SQSHandler = handler;
    expect(typeof asLambda).toBe('function');
    const job = (id: string): string => JSON.stringify({ exportId: id, tenantId: 'tenant-a' });
    await sendAll(pair.queueUrl, [
      ...Object.values(ids).map(job),
      'not json',
      JSON.stringify({ exportId: 'short', tenantId: 't' }),
    ]);

    const polled = await pollOnce(
      server.client,
      pair.queueUrl,
      handler as (e: SQSEvent) => Promise<SQSBatchResponse>,
      {
        visibilityTimeoutSeconds: 30,
      },
    );
    expect(polled?.event.Records.length).toBe(8);
    const byId = new Map(polled!.event.Records.map((r) => [r.messageId, r.body]));
    const reported = polled!.response.batchItemFailures
      .map((f) => byId.get(f.itemIdentifier))
      .sort();
    expect(reported).toEqual(
      [
        job(ids.thrown),
        job(ids.deferred),
        'not json',
        JSON.stringify({ exportId: 'short', tenantId: 't' }),
      ].sort(),
    );
    expect(worker.calls.map((c) => c.exportId).sort()).toEqual(Object.values(ids).sort());
    expect(errors.filter((m) => m.includes('Malformed job message')).length).toBe(2);
    expect(errors.filter((m) => m.includes('threw')).length).toBe(1);

    // The deferred record comes back after retryAfterMs, not after the 30 s visibility timeout.
    await sleep(1_300);
    const back = await server.client.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    expect((back.Messages ?? []).map((m) => m.Body)).toEqual([job(ids.deferred)]);
  });

  it('on a FIFO queue, a failed record holds back the records after it, reported unprocessed', async () => {
    const pair = await server.createQueues({ maxReceives: 5, fifo: true });
    const ids = [exportId(), exportId(), exportId()];
    const worker = scriptedWorker({
      [ids[0]!]: async () => ({ outcome: 'succeeded' }),
      [ids[1]!]: async () => {
        throw new Error('database unreachable');
      },
      [ids[2]!]: async () => ({ outcome: 'succeeded' }),
    });
    const handler = createSqsHandler(worker, {
      client: server.client,
      queueUrl: pair.queueUrl,
      logger: quiet,
    });
    for (const id of ids) {
      await server.client.send(
        new SendMessageCommand({
          QueueUrl: pair.queueUrl,
          MessageBody: JSON.stringify({ exportId: id, tenantId: 't1' }),
          MessageGroupId: 'one-group',
          MessageDeduplicationId: id,
        }),
      );
    }
    const polled = await pollOnce(server.client, pair.queueUrl, handler, {
      visibilityTimeoutSeconds: 30,
    });
    expect(polled?.event.Records.map((r) => JSON.parse(r.body).exportId)).toEqual(ids);
    const [, second, third] = polled!.event.Records;
    expect(polled!.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      second!.messageId,
      third!.messageId,
    ]);
    // The third was never run: order within the group holds for the retry.
    expect(worker.calls.map((c) => c.exportId)).toEqual(ids.slice(0, 2));
  });

  it('a malformed body is reported on every delivery and ends in the dead-letter queue', async () => {
    const pair = await server.createQueues({ maxReceives: 2 });
    const worker = scriptedWorker({});
    const handler = createSqsHandler(worker, {
      client: server.client,
      queueUrl: pair.queueUrl,
      logger: quiet,
    });
    await sendAll(pair.queueUrl, ['{"tenantId":"t1"}']);
    for (let delivery = 1; delivery <= 2; delivery++) {
      const polled = await pollOnce(server.client, pair.queueUrl, handler, {
        visibilityTimeoutSeconds: 1,
        withinMs: 3_000,
      });
      expect(polled?.event.Records[0]?.attributes.ApproximateReceiveCount).toBe(String(delivery));
      expect(polled?.response.batchItemFailures.length).toBe(1);
    }
    await sleep(1_300);
    expect(await pair.deadLetterBodies()).toEqual(['{"tenantId":"t1"}']);
    expect(worker.calls).toEqual([]);
  });

  it('extendLease changes the visibility of that record so it stays hidden while the export runs', async () => {
    const pair = await server.createQueues({ maxReceives: 5 });
    const id = exportId();
    let hiddenWhileRunning: boolean | undefined;
    const worker = scriptedWorker({
      [id]: async ({ extendLease }) => {
        await extendLease!(4_000);
        await sleep(1_500);
        // Past the 1 s visibility timeout the poller used, but inside the extension.
        const peek = await server.client.send(
          new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, WaitTimeSeconds: 0 }),
        );
        hiddenWhileRunning = (peek.Messages ?? []).length === 0;
        return { outcome: 'succeeded' };
      },
    });
    const handler = createSqsHandler(worker, {
      client: server.client,
      queueUrl: pair.queueUrl,
      logger: quiet,
    });
    await sendAll(pair.queueUrl, [JSON.stringify({ exportId: id, tenantId: 't1' })]);
    const polled = await pollOnce(server.client, pair.queueUrl, handler, {
      visibilityTimeoutSeconds: 1,
    });
    expect(polled?.response.batchItemFailures).toEqual([]);
    expect(hiddenWhileRunning).toBe(true);
  });

  it('derives the queue URL from eventSourceARN when no queueUrl is given', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:exports')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/exports',
    );
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo',
    );
    expect(() => queueUrlFromArn('nonsense')).toThrow(/queueUrl/);
  });

  it('tells running exports to stop before the Lambda times out, and returns records not started', async () => {
    const pair = await server.createQueues({ maxReceives: 5 });
    const first = exportId();
    const second = exportId();
    // Like ExportWorker: on abort it releases the job and defers.
    const untilAborted = ({ signal }: { signal?: AbortSignal }): Promise<SqsExecuteOutcome> =>
      new Promise((resolve) => {
        signal!.addEventListener('abort', () => resolve({ outcome: 'deferred', retryAfterMs: 0 }), {
          once: true,
        });
      });
    const worker = scriptedWorker({ [first]: untilAborted, [second]: untilAborted });
    const handler = createSqsHandler(worker, {
      client: server.client,
      queueUrl: pair.queueUrl,
      stopBeforeTimeoutMs: 10_000,
      logger: quiet,
    });
    await sendAll(
      pair.queueUrl,
      [first, second].map((id) => JSON.stringify({ exportId: id, tenantId: 't1' })),
    );
    const context = { getRemainingTimeInMillis: () => 10_200 };
    const polled = await pollOnce(
      server.client,
      pair.queueUrl,
      (event) => handler(event, context),
      {
        visibilityTimeoutSeconds: 30,
      },
    );
    expect(polled?.event.Records.length).toBe(2);
    expect(polled?.response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      polled!.event.Records.map((r) => r.messageId).sort(),
    );
    expect(worker.calls.length).toBe(1);
    // Both are visible again at once, not after the 30 s visibility timeout: the deferred one
    // (retryAfterMs 0) and the one never started.
    const again = await server.client.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
      }),
    );
    expect((again.Messages ?? []).map((m) => m.MessageId).sort()).toEqual(
      polled!.event.Records.map((r) => r.messageId).sort(),
    );
  });
});
