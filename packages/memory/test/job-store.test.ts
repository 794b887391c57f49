import { MemoryJobStore } from '@exportkit/memory';
import {
  expectExportkitError,
  jobKey,
  jobStoreConformance,
  makeJobRecord,
} from '@exportkit/testkit';
import { describe, expect, it } from 'vitest';

jobStoreConformance('MemoryJobStore', async () => ({ store: new MemoryJobStore() }), {
  concurrency: 25,
});

describe('MemoryJobStore specifics', () => {
  it('refuses a transition whose next record has another key', async () => {
    const store = new MemoryJobStore();
    const job = makeJobRecord();
    await store.create(job);
    const other = { ...job, tenantId: 'tenant-b' };
    await expectExportkitError(
      () => store.transition(jobKey(job), { status: 'queued', fence: undefined }, other),
      'INVALID_REQUEST',
    );
    expect(await store.get(jobKey(job))).toEqual(job);
  });

  it('rejects a damaged cursor and a bad limit with INVALID_REQUEST', async () => {
    const store = new MemoryJobStore();
    await expectExportkitError(
      () => store.list({ tenantId: 'tenant-a', cursor: 'not-a-cursor' }),
      'INVALID_REQUEST',
    );
    await expectExportkitError(
      () => store.list({ tenantId: 'tenant-a', limit: 0 }),
      'INVALID_REQUEST',
    );
  });

  it('a cursor survives deletion of the record it points at', async () => {
    const store = new MemoryJobStore();
    const jobs = [0, 1, 2, 3].map((i) =>
      makeJobRecord({ createdAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() }),
    );
    for (const job of jobs) await store.create(job);
    const first = await store.list({ tenantId: 'tenant-a', limit: 2 });
    await store.delete(jobKey(first.items[1]!));
    const second = await store.list({ tenantId: 'tenant-a', limit: 2, cursor: first.nextCursor });
    expect(second.items.map((job) => job.exportId)).toEqual([jobs[1]!.exportId, jobs[0]!.exportId]);
    expect(second.nextCursor).toBeUndefined();
  });
});
