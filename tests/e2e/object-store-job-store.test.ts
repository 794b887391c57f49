import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStoreJobStore } from '@exportkit/core';
import { LocalDiskObjectStore } from '@exportkit/local-disk';
import { MemoryObjectStore } from '@exportkit/memory';
import { jobStoreConformance } from '@exportkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { rowsType } from './sources.js';

jobStoreConformance('ObjectStoreJobStore over memory', async () => ({
  store: new ObjectStoreJobStore({ store: new MemoryObjectStore() }),
}));

jobStoreConformance('ObjectStoreJobStore over local disk', async () => {
  const root = await mkdtemp(join(tmpdir(), 'exportkit-osjs-'));
  return {
    store: new ObjectStoreJobStore({ store: new LocalDiskObjectStore({ root }), prefix: 'jobs' }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('a whole export with job records kept beside the parts (no database)', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('runs, caches and lists', async () => {
    h = await createHarness({
      types: [rowsType(300)],
      jobStore: (store) => new ObjectStoreJobStore({ store }),
    });
    const { export: queued } = await h.exporter.request({ type: 'items', tenantId: 'acme' });
    expect(await h.processNext()).toBe('succeeded');
    expect((await h.exporter.request({ type: 'items', tenantId: 'acme' })).outcome).toBe('cached');
    const page = await h.exporter.list('acme');
    expect(page.items.map((i) => [i.exportId, i.status])).toEqual([[queued.exportId, 'succeeded']]);
    const keys: string[] = [];
    for await (const info of h.store.list('exports/_jobs/')) keys.push(info.key);
    expect(keys).toEqual([`exports/_jobs/acme/${queued.exportId}.json`]);
  });
});

describe('ObjectStoreJobStore reads', () => {
  it('reads again when a non-atomic store serves a half-written record, and reports a record that stays corrupt', async () => {
    const store = new MemoryObjectStore();
    const jobs = new ObjectStoreJobStore({ store });
    const key = `exports/_jobs/acme/${'a'.repeat(64)}.json`;
    await store.put(key, '{"exportId": "aaa', { contentType: 'application/json' });
    const realGet = store.get.bind(store);
    let reads = 0;
    store.get = async (k, o) => {
      if (++reads === 2)
        await store.put(key, JSON.stringify({ exportId: 'a'.repeat(64), tenantId: 'acme' }));
      return realGet(k, o);
    };
    expect(await jobs.get({ tenantId: 'acme', exportId: 'a'.repeat(64) })).toMatchObject({
      tenantId: 'acme',
    });
    await store.put(key, '{"torn');
    store.get = realGet;
    await expect(jobs.get({ tenantId: 'acme', exportId: 'a'.repeat(64) })).rejects.toMatchObject({
      code: 'JOB_STORE_ERROR',
    });
  });
});
