import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { type LocalDiskFs, LocalDiskObjectStore, nodeFs } from '@exportkit/local-disk';
import { collect, expectExportkitError, readAll, readText } from '@exportkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRoot, type TempRoot } from './support/temp-root.js';
import { gate, until, walk } from './support/walk.js';

const chunk = (size: number, fill: number): Uint8Array => new Uint8Array(size).fill(fill);

describe('LocalDiskObjectStore put', () => {
  let root: TempRoot;
  let store: LocalDiskObjectStore;
  beforeEach(async () => {
    root = await makeTempRoot();
    store = new LocalDiskObjectStore({ root: root.dir });
  });
  afterEach(() => root.cleanup());

  const tempFiles = async (): Promise<string[]> =>
    (await walk(root.dir)).filter((path) => path.includes('.exportkit-tmp-'));

  it('writes through a hidden temp file: the object is invisible until put resolves', async () => {
    const release = gate();
    const body = (async function* () {
      yield chunk(100_000, 1);
      await release.promise;
      yield chunk(50_000, 2);
    })();
    const put = store.put('r/obj.bin', body);
    // The first chunk is on disk in the temp file, yet readers see nothing.
    await until(async () => (await tempFiles()).length === 1);
    expect(await store.head('r/obj.bin')).toBeUndefined();
    await expectExportkitError(
      async () => collect(await store.get('r/obj.bin')),
      'OBJECT_NOT_FOUND',
    );
    expect(await collect(store.list(''))).toEqual([]);
    release.open();
    expect(await put).toEqual({ size: 150_000 });
    expect((await store.head('r/obj.bin'))?.size).toBe(150_000);
    expect(await tempFiles()).toEqual([]);
  });

  it('readers of an object being replaced get the whole previous version', async () => {
    await store.put('r/obj', 'previous version');
    const release = gate();
    const body = (async function* () {
      yield chunk(70_000, 3);
      await release.promise;
    })();
    const put = store.put('r/obj', body);
    await until(async () => (await tempFiles()).length === 1);
    expect(await readText(store, 'r/obj')).toBe('previous version');
    expect((await store.head('r/obj'))?.size).toBe(16);
    release.open();
    await put;
    // Buffer.equals: vitest's deep equality is slow on large typed arrays.
    expect(Buffer.from(await readAll(store, 'r/obj')).equals(chunk(70_000, 3))).toBe(true);
  });

  it('a failed put leaves no temp file and no directory it created', async () => {
    const failure = new Error('source broke');
    const body = (async function* () {
      yield chunk(200_000, 4);
      throw failure;
    })();
    await expect(store.put('deep/er/obj', body)).rejects.toBe(failure);
    expect(await walk(root.dir)).toEqual([]);
  });

  it("deleting a folder's last object also removes temp files a crashed put left there, once stale", async () => {
    await store.put('run-1/part-00001.csv', 'a');
    await store.put('run-2/part-00001.csv', 'a');
    // A worker died mid-put in both folders: its temp files stay, out of every listing.
    const stale = join(root.dir, 'run-1', '.exportkit-tmp-0123456789abcdef');
    const fresh = join(root.dir, 'run-2', '.exportkit-tmp-fedcba9876543210');
    await writeFile(stale, 'partial part');
    await writeFile(fresh, 'a put still writing');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    await store.delete(['run-1/part-00001.csv', 'run-2/part-00001.csv']);
    // The stale one went with its folder; a recent one may be a live put, so it stays.
    expect(await tempFiles()).toEqual(['run-2/.exportkit-tmp-fedcba9876543210']);
    expect(await readdir(root.dir)).toEqual(['run-2']);
  });

  it('a failed put keeps the other objects of its directory', async () => {
    await store.put('dir/keep', 'x');
    const body = (async function* () {
      yield chunk(10, 5);
      throw new Error('broke');
    })();
    await expect(store.put('dir/lost', body)).rejects.toThrow('broke');
    expect(await walk(root.dir)).toEqual(['dir/', 'dir/keep']);
  });

  it('an abort stops a put whose source is stuck, and removes the temp file', async () => {
    const controller = new AbortController();
    const body = (async function* () {
      yield chunk(80_000, 6);
      await new Promise(() => undefined); // never yields again
    })();
    const put = store.put('a/stuck', body, { signal: controller.signal });
    await until(async () => (await tempFiles()).length === 1);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(put).rejects.toBe(reason);
    expect(await walk(root.dir)).toEqual([]);
  });

  it('stores the content type beside the object and hides it from list', async () => {
    await store.put('m/data.csv', 'a,b', { contentType: 'text/csv; charset=utf-8' });
    expect((await store.head('m/data.csv'))?.contentType).toBe('text/csv; charset=utf-8');
    expect((await collect(store.list(''))).map((info) => info.key)).toEqual(['m/data.csv']);
    await store.put('m/data.csv', 'c,d');
    expect((await store.head('m/data.csv'))?.contentType).toBe('application/octet-stream');
    await store.put('m/data.csv', 'e,f', { contentType: 'text/plain' });
    await store.delete(['m/data.csv']);
    expect(await walk(root.dir)).toEqual([]);
  });

  it('delete removes directories left empty, up to but not including the root', async () => {
    await store.put('x/y/z/one', '1');
    await store.put('x/two', '2');
    await store.delete(['x/y/z/one']);
    expect(await walk(root.dir)).toEqual(['x/', 'x/two']);
    await store.delete(['x/two']);
    expect(await walk(root.dir)).toEqual([]);
    await store.put('again/and/again', 'works after pruning the root empty');
    expect((await store.head('again/and/again'))?.size).toBeGreaterThan(0);
  });

  it('a put whose fresh directory is pruned by a concurrent delete recreates it', async () => {
    let pruned = 0;
    const racingFs: LocalDiskFs = {
      ...nodeFs,
      // Right after the put creates "race/", a delete elsewhere prunes it as empty.
      mkdir: async (path, options) => {
        const created = await nodeFs.mkdir(path, options);
        if (path.endsWith(`${sep}race`) && pruned++ < 2) await nodeFs.rmdir(path);
        return created;
      },
    };
    const racing = new LocalDiskObjectStore({ root: root.dir, fs: racingFs });
    await racing.put('race/new', 'y');
    expect(pruned).toBe(3);
    expect(await readText(racing, 'race/new')).toBe('y');
  });

  it('puts racing deletes in the same directory all succeed', async () => {
    for (let i = 0; i < 20; i++) {
      await store.put(`race/${i}/old`, 'x');
      await Promise.all([store.delete([`race/${i}/old`]), store.put(`race/${i}/new`, 'y')]);
      expect(await readText(store, `race/${i}/new`)).toBe('y');
    }
    expect((await collect(store.list('race/'))).length).toBe(20);
  });

  it('takes Node streams and string chunks as bodies', async () => {
    const { Readable } = await import('node:stream');
    expect(await store.put('s/stream.txt', Readable.from(['héllo ', 'world']))).toEqual({
      size: 12,
    });
    expect(await readText(store, 's/stream.txt')).toBe('héllo world');
  });
});
