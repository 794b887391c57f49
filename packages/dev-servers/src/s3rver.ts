import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options for {@link startS3rver}. */
export interface S3rverOptions {
  /** Buckets created before it answers. @defaultValue none */
  buckets?: readonly string[];
}

/** A running s3rver child process. Its keys are the fixed `S3RVER` / `S3RVER`. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>`; clients need `forcePathStyle: true`. */
  endpoint: string;
  /** CPU seconds the server has used so far (Linux; `NaN` elsewhere), for benchmarks. */
  cpuSeconds(): number;
  /**
   * Read calls the server has made so far and the bytes they returned, sockets and files
   * alike (Linux; `NaN` elsewhere), for benchmarks: the same upload costs s3rver far more CPU
   * when it reads the bytes in small pieces.
   */
  reads(): { calls: number; bytes: number };
  /** Stops the server (SIGTERM, then SIGKILL after 3 s) and deletes its data directory. */
  stop(): Promise<void>;
}

/** s3rver's fixed credentials. */
export const s3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * S3 client settings for the s3rver at `endpoint`: path-style addressing and its fixed keys
 * (`new S3Client({ ...s3rverClientConfig(endpoint), ...yours })`).
 */
export function s3rverClientConfig(endpoint: string) {
  return { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3rverCredentials };
}

/**
 * Spawns s3rver (a real HTTP server speaking the S3 API) on a free port with a fresh data
 * directory, and resolves once it answers. Two flags every user needs: `--openssl-legacy-provider`
 * (without it paginated listing returns 500 on Node 17+), and a preload that makes listings
 * follow S3's UTF-8 byte order (see `s3rver-byte-order.cjs`).
 */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverHandle> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  // One level above both src/ and dist/.
  const byteOrder = fileURLToPath(new URL('../s3rver-byte-order.cjs', import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), 'exportkit-s3rver-'));
  const port = await freePort();
  const buckets = (options.buckets ?? []).flatMap((name) => ['--configure-bucket', name]);
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--require',
      byteOrder,
      bin,
      '-d',
      dir,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-s',
      ...buckets,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, () => stderr);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    reads: () => readsOf(child.pid),
    async stop() {
      await killChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
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
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`s3rver did not listen on ${endpoint} within 15 s: ${stderr()}`);
}

/** utime + stime of a process, from /proc, in clock ticks (100 a second on Linux). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    return (Number(fields?.[11]) + Number(fields?.[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** `syscr` and `rchar` of a process, from /proc. */
function readsOf(pid: number | undefined): { calls: number; bytes: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1]);
    return { calls: field('syscr'), bytes: field('rchar') };
  } catch {
    return { calls: Number.NaN, bytes: Number.NaN };
  }
}

async function killChild(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (hasExited(child) || pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal(pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  if (!hasExited(child)) signal(pid, 'SIGKILL');
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    // ESRCH: it exited between the check and the signal, which is what was wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
