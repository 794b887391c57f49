import { describe, expect, it } from 'vitest';
import { startS3rver } from '../src/index.js';

describe('startS3rver', () => {
  it('answers S3 requests for its configured buckets and stops for good', async () => {
    const server = await startS3rver({ buckets: ['made-at-start'] });
    const listing = await fetch(`${server.endpoint}/made-at-start?list-type=2`);
    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain('<Name>made-at-start</Name>');
    expect(server.cpuSeconds()).toBeGreaterThanOrEqual(0);
    const reads = server.reads();
    expect(reads.calls).toBeGreaterThan(0);
    expect(reads.bytes).toBeGreaterThan(reads.calls);
    await server.stop();
    await expect(fetch(server.endpoint)).rejects.toThrow();
  });
});
