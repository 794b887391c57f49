import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SharedSetup } from '../fixtures/slow-export.js';
import { freshNames } from './queue-fixture.js';
import { testRedis } from './redis-server.js';

/**
 * A fresh queue name, prefix and temp dir on the test Redis, for tests whose worker processes
 * share one slow export. Returns the setup and the temp dir (remove it when done).
 */
export async function freshSharedSetup(
  tag: string,
  export_: Pick<SharedSetup, 'rows' | 'batchDelayMs' | 'leaseMs'>,
): Promise<{ setup: SharedSetup; dir: string }> {
  const { url } = await testRedis();
  const names = freshNames();
  const dir = mkdtempSync(join(tmpdir(), `ek-bullmq-${tag}-`));
  const setup: SharedSetup = {
    redisUrl: url,
    queueName: names.name,
    queuePrefix: names.prefix,
    storeRoot: join(dir, 'store'),
    markerDir: dir,
    ...export_,
  };
  return { setup, dir };
}
