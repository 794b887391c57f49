// How the two sides of an AWS deployment are built. Each side is its own deployable (an API in
// Lambda or on a server, a runner in Lambda or a container); both get the same export types and
// talk only through S3 (job records, parts, manifests) and SQS (job messages).
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  Exporter,
  type ExportTypeDefinition,
  ExportWorker,
  type Logger,
  ObjectStoreJobStore,
} from '@exportkit/core';
import { createExpressRouter } from '@exportkit/http';
import { S3ObjectStore } from '@exportkit/s3';
import { createSqsHandler, type SqsHandler, SqsQueue } from '@exportkit/sqs';
import express, { type Express } from 'express';

/** What both sides are configured with (in AWS: environment variables). */
export interface AwsConfig {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  queueUrl: string;
  /** The queue's RedrivePolicy maxReceiveCount. */
  maxReceives: number;
  types: readonly ExportTypeDefinition[];
}

function adapters(config: AwsConfig) {
  const store = new S3ObjectStore({ client: config.s3, bucket: config.bucket });
  // Job records as JSON objects in the same bucket: no database. Transitions are not atomic
  // (last writer wins); see docs/aws.md for why that is safe and when to use Postgres instead.
  const jobStore = new ObjectStoreJobStore({ store });
  const queue = new SqsQueue({
    client: config.sqs,
    queueUrl: config.queueUrl,
    maxReceives: config.maxReceives,
  });
  return { store, jobStore, queue };
}

/** The API side: an Express app serving POST /exports, GET /exports/:id, ... */
export function createApi(config: AwsConfig): { app: Express; exporter: Exporter } {
  const exporter = new Exporter({ ...adapters(config), types: config.types });
  const app = express();
  app.use(
    createExpressRouter({
      exporter,
      // Demo authentication: the tenant comes from a header. Use your session or JWT here.
      authenticate: (request) => {
        const tenantId = request.headers['x-tenant-id'];
        return tenantId
          ? { tenantId, subject: request.headers['x-user'] ?? 'anonymous' }
          : undefined;
      },
    }),
  );
  return { app, exporter };
}

/** The runner side: the worker, and the Lambda handler for an SQS event source around it. */
export function createRunner(
  config: AwsConfig,
  options: { leaseMs: number; logger?: Logger },
): { worker: ExportWorker; handler: SqsHandler } {
  const worker = new ExportWorker({
    ...adapters(config),
    types: config.types,
    leaseMs: options.leaseMs,
    // Stop retrying an export before SQS gives up on its message.
    maxAttempts: config.maxReceives,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const handler = createSqsHandler(worker, {
    client: config.sqs,
    queueUrl: config.queueUrl,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { worker, handler };
}
