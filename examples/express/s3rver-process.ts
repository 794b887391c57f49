import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running s3rver (a real HTTP server speaking the S3 API), for the browser test. */
export interface S3rverProcess {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Spawns s3rver on a free port with a fresh directory and one bucket, `demo`. It needs
 * `--openssl-legacy-provider` on Node 20 (see TOOLCHAIN.md) and accepts the S3RVER/S3RVER keys.
 */
export async function startS3rver(): Promise<S3rverProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'exportkit-express-s3rver-'));
  const port = await freePort();
  const bin = join(
    createRequire(import.meta.url).resolve('s3rver/package.json'),
    '..',
    'bin',
    's3rver.js',
  );
  const args = [
    '--openssl-legacy-provider',
    bin,
    '-d',
    dir,
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-s',
  ];
  const child: ChildProcess = spawn(process.execPath, [...args, '--configure-bucket', 'demo'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`s3rver exited before listening: ${stderr}`);
    const up = await fetch(`${endpoint}/demo`).then(
      (response) => response.status < 500,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`s3rver did not listen on ${endpoint} within 15 s: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(3_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
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
