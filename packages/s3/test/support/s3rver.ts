import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { s3rverClientConfig, startS3rver as startServer } from '@exportkit/dev-servers';

/** A running s3rver child process and an S3 client pointed at it. */
export interface S3rverHandle {
  endpoint: string;
  client: S3Client;
  /** Creates a bucket with a fresh name and returns the name. */
  createBucket(): Promise<string>;
  stop(): Promise<void>;
}

let bucketCounter = 0;

/** Starts s3rver (see `@exportkit/dev-servers`) with a client for it. */
export async function startS3rver(): Promise<S3rverHandle> {
  const server = await startServer();
  const client = s3ClientFor(server.endpoint);
  return {
    endpoint: server.endpoint,
    client,
    async createBucket() {
      const name = `exportkit-${process.pid}-${++bucketCounter}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

/** An S3 client for a local endpoint (path-style, s3rver's fixed credentials), plus `config`. */
export function s3ClientFor(endpoint: string, config: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...s3rverClientConfig(endpoint), ...config });
}
