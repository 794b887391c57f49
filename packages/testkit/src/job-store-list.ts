import type { JobPage, JobRecord, JobStatus, JobStore, ListJobsQuery } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { JobStoreFixture } from './fixtures.js';
import { makeJobRecord } from './job-record.js';
import type { ResolvedJobStoreSuiteOptions } from './job-store.js';

/** list: tenant scope, status filter, newest-first order, cursor pagination. */
export function jobStoreListTests(
  factory: () => Promise<JobStoreFixture>,
  options: ResolvedJobStoreSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  describe('list', () => {
    const fixture = useFixture(factory);

    it('lists only the given tenant, newest first by createdAt then exportId', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const mine = await createAll(store, seededRecords('tenant-a', 12));
      await createAll(store, seededRecords('tenant-b', 4));
      const page = await store.list({ tenantId: 'tenant-a' });
      expect(page.nextCursor).toBeUndefined();
      expect(page.items).toEqual(newestFirst(mine));
    });

    it('filters by status', { timeout }, async () => {
      const { store } = fixture();
      const mine = await createAll(store, seededRecords('tenant-a', 12));
      const wanted: JobStatus[] = ['succeeded', 'failed'];
      const page = await store.list({ tenantId: 'tenant-a', status: wanted });
      const expected = newestFirst(mine.filter((job) => wanted.includes(job.status)));
      expect(expected.length).toBeGreaterThan(0);
      expect(page.items).toEqual(expected);
      expect((await store.list({ tenantId: 'tenant-a', status: ['expired'] })).items).toEqual([]);
    });

    it('a cursor walk visits every record once, in order', { timeout }, async () => {
      const { store } = fixture();
      const mine = await createAll(store, seededRecords('tenant-a', 23));
      await createAll(store, seededRecords('tenant-b', 5));
      const pages = await walk(store, { tenantId: 'tenant-a', limit: 5 });
      for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(5);
      expect(pages.length).toBeGreaterThanOrEqual(5);
      expect(pages.flatMap((page) => page.items)).toEqual(newestFirst(mine));
    });

    it('a cursor walk with a status filter visits every matching record once', {
      timeout,
    }, async () => {
      const { store } = fixture();
      const mine = await createAll(store, seededRecords('tenant-a', 23));
      const status: JobStatus[] = ['queued', 'running'];
      const items = (await walk(store, { tenantId: 'tenant-a', status, limit: 3 })).flatMap(
        (page) => page.items,
      );
      expect(items).toEqual(newestFirst(mine.filter((job) => status.includes(job.status))));
    });

    it('limit defaults to 50', { timeout }, async () => {
      const { store } = fixture();
      const mine = await createAll(store, seededRecords('tenant-a', 55));
      const first = await store.list({ tenantId: 'tenant-a' });
      expect(first.items).toHaveLength(50);
      expect(first.nextCursor).toBeDefined();
      const rest = await walk(store, { tenantId: 'tenant-a', cursor: first.nextCursor });
      expect([...first.items, ...rest.flatMap((page) => page.items)]).toEqual(newestFirst(mine));
    });

    it('a tenant without records gets an empty last page', { timeout }, async () => {
      const { store } = fixture();
      await createAll(store, seededRecords('tenant-a', 3));
      expect(await store.list({ tenantId: 'tenant-z' })).toEqual({ items: [] });
    });

    it('without tenantId (maintenance) lists every tenant', { timeout }, async () => {
      const { store } = fixture();
      const all = [
        ...(await createAll(store, seededRecords('tenant-a', 7))),
        ...(await createAll(store, seededRecords('tenant-b', 6))),
      ];
      const items = (await walk(store, { limit: 4 })).flatMap((page) => page.items);
      const id = (job: JobRecord): string => `${job.tenantId}/${job.exportId}`;
      expect(items.map(id).sort()).toEqual(all.map(id).sort());
      const finished = (await walk(store, { status: ['succeeded'] })).flatMap((page) => page.items);
      expect(finished.map(id).sort()).toEqual(
        all
          .filter((job) => job.status === 'succeeded')
          .map(id)
          .sort(),
      );
    });
  });
}

const statuses: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/**
 * `count` records for one tenant with createdAt values that repeat (every third shares the
 * previous one's time), so ordering must fall back to exportId.
 */
function seededRecords(tenantId: string, count: number): JobRecord[] {
  const base = Date.parse('2024-05-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(base + Math.floor(i / 3) * 1000 * 61).toISOString();
    return makeJobRecord({
      tenantId,
      status: statuses[i % statuses.length],
      createdAt,
      updatedAt: createdAt,
    });
  });
}

async function createAll(store: JobStore, jobs: JobRecord[]): Promise<JobRecord[]> {
  for (const job of jobs) await store.create(job);
  return jobs;
}

function newestFirst(jobs: readonly JobRecord[]): JobRecord[] {
  return [...jobs].sort(
    (a, b) =>
      Date.parse(b.createdAt) - Date.parse(a.createdAt) ||
      (a.exportId < b.exportId ? 1 : a.exportId > b.exportId ? -1 : 0),
  );
}

/** Follows nextCursor to the end; fails on a cycle instead of looping forever. */
async function walk(store: JobStore, query: ListJobsQuery): Promise<JobPage[]> {
  const pages: JobPage[] = [];
  let cursor = query.cursor;
  do {
    const page = await store.list({ ...query, cursor });
    pages.push(page);
    expect(pages.length, 'the cursor walk did not end').toBeLessThan(1000);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}
