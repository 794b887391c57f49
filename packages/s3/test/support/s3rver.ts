import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** A running s3rver child process and an S3 client pointed at it. */
export interface S3rverHandle {
  endpoint: string;
  client: S3Client;
  /** Creates a bucket with a fresh name and returns the name. */
  createBucket(): Promise<string>;
  stop(): Promise<void>;
}

let bucketCounter = 0;

/**
 * Spawns s3rver (a real HTTP server speaking the S3 API) on a free port with a fresh data
 * directory. `--openssl-legacy-provider` is required: without it paginated listing returns 500.
 * `s3rver-byte-order.cjs` makes its listing follow S3's UTF-8 byte order (see that file).
 */
export async function startS3rver(): Promise<S3rverHandle> {
  const require = createRequire(import.meta.url);
  const bin = join(require.resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
  const byteOrderPatch = fileURLToPath(new URL('./s3rver-byte-order.cjs', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'exportkit-s3rver-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--require',
      byteOrderPatch,
      bin,
      '-d',
      dir,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-s',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.on('exit', (code, sig) => {
    if (process.env.EXPORTKIT_DEBUG_S3RVER) console.error('s3rver exit', code, sig, stderr);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child, () => stderr);
  const client = s3ClientFor(endpoint);
  return {
    endpoint,
    client,
    async createBucket() {
      const name = `exportkit-${process.pid}-${++bucketCounter}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async stop() {
      client.destroy();
      await killChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An S3 client for a local endpoint (path-style, s3rver's fixed credentials). */
export function s3ClientFor(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(`s3rver exited with ${child.exitCode} before listening: ${stderr()}`);
    }
    try {
      await fetch(endpoint);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`s3rver did not listen on ${endpoint} within 15 s: ${stderr()}`);
}

async function killChild(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (hasExited(child) || pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal(pid, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
  if (!hasExited(child)) signal(pid, 'SIGKILL');
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    // ESRCH: it exited between our check and the signal, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
