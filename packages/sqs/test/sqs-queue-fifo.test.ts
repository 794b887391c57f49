import { SqsQueue } from '@exportkit/sqs';
import { queueConformance } from '@exportkit/testkit';
import { afterAll, beforeAll } from 'vitest';
import { type SqsServerHandle, startSqsServer } from './support/sqs-server.js';

const maxReceives = 3;
let server: SqsServerHandle;

beforeAll(async () => {
  server = await startSqsServer();
});
afterAll(async () => {
  await server?.stop();
});

queueConformance(
  'sqs FIFO queue (local-aws-sqs)',
  async () => {
    const pair = await server.createQueues({ maxReceives, fifo: true });
    return {
      queue: new SqsQueue({ client: server.client, queueUrl: pair.queueUrl, maxReceives }),
      maxReceives,
      deadLetters: pair.deadLetters,
      minVisibilityMs: 1000,
    };
  },
  { capabilities: { delay: false, dedup: true, deadLetter: true }, timeoutMs: 60_000 },
);
