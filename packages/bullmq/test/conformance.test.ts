import { queueConformance } from '@exportkit/testkit';
import { afterAll } from 'vitest';
import { queueFixture } from './support/queue-fixture.js';
import { testRedis } from './support/redis-server.js';

afterAll(async () => (await testRedis()).stop());

queueConformance('bullmq', () => queueFixture(), {
  capabilities: { delay: true, dedup: true, deadLetter: true },
});
