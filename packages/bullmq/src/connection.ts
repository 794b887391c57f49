import { ExportkitError } from '@exportkit/core';
import { Redis, type RedisOptions } from 'ioredis';

/** The Redis connection the adapter works on, and whether it must close it. */
export interface AdapterConnection {
  redis: Redis;
  owned: boolean;
  /** The last connection error ioredis reported, until it connects again (owned connections only). */
  lastError(): Error | undefined;
}

/**
 * Uses an injected ioredis instance as it is, or opens one from options or a URL. BullMQ
 * workers need `maxRetriesPerRequest: null`; an instance without it would make BullMQ throw
 * later, so it is refused here with what to change.
 */
export function openConnection(connection: Redis | RedisOptions | string): AdapterConnection {
  if (connection instanceof Redis) {
    if (connection.options.maxRetriesPerRequest !== null) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] [bullmq] The ioredis instance must be created with `maxRetriesPerRequest: null` (BullMQ workers need it); or pass connection options and let the adapter connect.',
      );
    }
    return { redis: connection, owned: false, lastError: () => undefined };
  }
  const options = typeof connection === 'string' ? parseRedisUrl(connection) : connection;
  const redis = new Redis({ ...options, maxRetriesPerRequest: null });
  let last: Error | undefined;
  // Connection errors surface on the operations that need Redis; listening keeps ioredis from
  // printing every reconnect attempt.
  redis.on('error', (error: Error) => {
    last = error;
  });
  redis.on('ready', () => {
    last = undefined;
  });
  return { redis, owned: true, lastError: () => last };
}

/** Closes an owned connection; `quit()` would wait for a Redis that may never answer. */
export async function closeConnection({ redis, owned }: AdapterConnection): Promise<void> {
  if (!owned) return;
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

/** ioredis takes a URL only as its first constructor argument; turn it into options. */
function parseRedisUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
