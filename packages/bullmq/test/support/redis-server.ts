import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis the tests use, and how to stop it when the tests started it. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

let shared: Promise<TestRedis> | undefined;

/**
 * Finds a Redis for the tests: `REDIS_URL` when set (it must answer), else 127.0.0.1:6379,
 * else a `redis-server` from PATH started on a free port (stopped by `stop()`). Throws with
 * what to do when none is available: a missing Redis fails the tests, it never skips them.
 */
export function testRedis(): Promise<TestRedis> {
  shared ??= findRedis();
  return shared;
}

async function findRedis(): Promise<TestRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (await answers(fromEnv)) return { url: fromEnv, stop: async () => {} };
    throw new Error(
      `[exportkit] [bullmq] REDIS_URL=${fromEnv} does not answer PING. Start that Redis or unset REDIS_URL.`,
    );
  }
  const local = 'redis://127.0.0.1:6379';
  if (await answers(local)) return { url: local, stop: async () => {} };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      '[exportkit] [bullmq] No Redis: REDIS_URL is unset, nothing answers on 127.0.0.1:6379 and redis-server is not on PATH. Install Redis (apt-get install -y redis-server) or set REDIS_URL.',
    );
  }
  return startRedisServer();
}

async function startRedisServer(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await answers(url)) {
      process.once('exit', () => child.kill('SIGKILL'));
      return { url, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(
    `[exportkit] [bullmq] redis-server started on port ${port} but never answered PING.`,
  );
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
