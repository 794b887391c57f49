import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import Module, { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { JobMessage } from '@exportkit/core';

/** A local-aws-sqs server in this process and a client pointed at it. */
export interface SqsServerHandle {
  endpoint: string;
  client: SQSClient;
  /** Creates a fresh dead-letter queue and a main queue redriving to it after `maxReceives`. */
  createQueues(options: { maxReceives: number; fifo?: boolean }): Promise<QueuePair>;
  stop(): Promise<void>;
}

/** A main queue and its dead-letter queue. */
export interface QueuePair {
  queueUrl: string;
  dlqUrl: string;
  /** The job messages now in the dead-letter queue (left there, visible). */
  deadLetters(): Promise<JobMessage[]>;
  /** The raw bodies now in the dead-letter queue. */
  deadLetterBodies(): Promise<string[]>;
}

/** Starts local-aws-sqs on a free port of 127.0.0.1. */
export async function startSqsServer(): Promise<SqsServerHandle> {
  const createSqsServer = loadPatchedLocalSqs();
  const server = await createSqsServer({ port: 0, hostname: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = sqsClientFor(endpoint);
  return {
    endpoint,
    client,
    async createQueues({ maxReceives, fifo = false }) {
      // A deleted queue name cannot be reused for 60 s: every test gets new names.
      const id = randomUUID().slice(0, 8);
      const suffix = fifo ? '.fifo' : '';
      const fifoAttributes = fifo ? { FifoQueue: 'true' } : {};
      const dlq = await client.send(
        new CreateQueueCommand({
          QueueName: `exportkit-dlq-${id}${suffix}`,
          Attributes: fifoAttributes,
        }),
      );
      const dlqUrl = dlq.QueueUrl!;
      const arn = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      );
      const main = await client.send(
        new CreateQueueCommand({
          QueueName: `exportkit-main-${id}${suffix}`,
          Attributes: {
            ...fifoAttributes,
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: arn.Attributes!.QueueArn,
              maxReceiveCount: maxReceives,
            }),
          },
        }),
      );
      const deadLetterBodies = async (): Promise<string[]> => {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
          }),
        );
        // With VisibilityTimeout 0 local-aws-sqs may hand the same message back twice in one call.
        const unique = new Map((out.Messages ?? []).map((m) => [m.MessageId, m.Body ?? '']));
        return [...unique.values()];
      };
      return {
        queueUrl: main.QueueUrl!,
        dlqUrl,
        deadLetterBodies,
        async deadLetters() {
          return (await deadLetterBodies()).map((body) => JSON.parse(body) as JobMessage);
        },
      };
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An SQS client for a local endpoint with dummy credentials. */
export function sqsClientFor(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

type CreateSqsServer = (options: { port: number; hostname: string }) => Promise<Server>;

/**
 * local-aws-sqs 2.0.2 counts every ChangeMessageVisibility as a receive (its "mark received"
 * helper bumps ApproximateReceiveCount for CMV too), so one nack or lease extension makes the
 * next delivery report receiveCount 3 and dead-letters messages early. Real SQS counts receives
 * only. Until the workspace carries a `pnpm patch` of it, load its bundle with that one
 * increment made conditional on "this is a receive"; fail loudly if the bundle changed.
 */
function loadPatchedLocalSqs(): CreateSqsServer {
  const require = createRequire(import.meta.url);
  const file = require.resolve('local-aws-sqs');
  const needle = 'let n=Number(t.record.attributes.ApproximateReceiveCount)+1;';
  const source = readFileSync(file, 'utf8');
  if (!source.includes(needle)) {
    throw new Error(
      '[exportkit] [sqs test] local-aws-sqs changed; re-check its ChangeMessageVisibility receive-count bug.',
    );
  }
  // The helper's third parameter `i` is true only on the ChangeMessageVisibility path.
  const patched = source.replace(
    needle,
    'let n=Number(t.record.attributes.ApproximateReceiveCount)+(i?0:1);',
  );
  const internals = Module as unknown as {
    new (
      id: string,
    ): {
      filename: string;
      paths: string[];
      exports: { createSqsServer: CreateSqsServer };
      _compile(code: string, filename: string): void;
    };
    _nodeModulePaths(dir: string): string[];
  };
  const loaded = new internals(file);
  loaded.filename = file;
  loaded.paths = internals._nodeModulePaths(dirname(file));
  loaded._compile(patched, file);
  return loaded.exports.createSqsServer;
}
