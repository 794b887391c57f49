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
