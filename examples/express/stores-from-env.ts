import { S3Client } from '@aws-sdk/client-s3';
import type { JobStore, ObjectStore } from '@exportkit/core';
import { migrate, PostgresJobStore } from '@exportkit/postgres';
import { S3ObjectStore } from '@exportkit/s3';
import pg from 'pg';

/** The job store and object store the environment asks for, and how to release them. */
export interface EnvironmentStores {
  jobStore?: JobStore;
  store?: ObjectStore;
  close(): Promise<void>;
}

/**
 * Picks the adapters from the environment; anything not configured stays the demo's default
 * (memory job store, local-disk files).
 *
 * - `DATABASE_URL=postgres://…`: job records in Postgres (schema `EXPORTKIT_SCHEMA`, default
 *   `exportkit`), migrated on start.
 * - `S3_BUCKET=…`: files in S3 (an existing bucket), with the SDK's usual credentials and
 *   region; `S3_ENDPOINT` for an S3-compatible server (path-style addressing).
 */
export async function storesFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Promise<EnvironmentStores> {
  const closers: (() => Promise<void>)[] = [];
  const stores: EnvironmentStores = {
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
  if (env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 });
    closers.push(() => pool.end());
    const schema = env.EXPORTKIT_SCHEMA ?? 'exportkit';
    await migrate(pool, { schema });
    stores.jobStore = new PostgresJobStore({ pool, schema });
  }
  if (env.S3_BUCKET) {
    const client = new S3Client({
      ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true } : {}),
      region: env.AWS_REGION ?? 'us-east-1',
      ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: env.AWS_ACCESS_KEY_ID,
              secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            },
          }
        : {}),
    });
    closers.push(async () => client.destroy());
    stores.store = new S3ObjectStore({ client, bucket: env.S3_BUCKET, prefix: 'express-demo' });
  }
  return stores;
}
