import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalDiskFs, LocalDiskObjectStore, nodeFs } from '@exportkit/local-disk';
import { collect } from '@exportkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRoot, type TempRoot } from './support/temp-root.js';

describe('LocalDiskObjectStore list', () => {
  let root: TempRoot;
  let store: LocalDiskObjectStore;
  const keys = ['a/bc/d', 'a/b-c', 'a/b.txt', 'a/b/e/f', 'a/ba', 'ab', 'a0', 'z/y/x/w/v'];
  beforeEach(async () => {
    root = await makeTempRoot();
    store = new LocalDiskObjectStore({ root: root.dir });
    for (const key of keys) await store.put(key, key);
  });
  afterEach(() => root.cleanup());

  const keysOf = async (prefix: string): Promise<string[]> =>
    (await collect(store.list(prefix))).map((info) => info.key);

  it('walks nested directories in byte order ("-" < "." < "/" < "0")', async () => {
    expect(await keysOf('')).toEqual([
      'a/b-c',
      'a/b.txt',
      'a/b/e/f',
      'a/ba',
      'a/bc/d',
      'a0',
      'ab',
      'z/y/x/w/v',
    ]);
  });

  it('leaves out files other programs named so no method takes their keys', async () => {
    // A backslash or an over-long name: delete() would refuse the key, and with it a whole
    // cleanup batch.
    await writeFile(join(root.dir, 'a', 'odd\\name.csv'), 'x');
    await writeFile(join(root.dir, 'a', 'n'.repeat(200)), 'x');
    // A key over 1,024 characters: six directories of 200.
    const deep = join(root.dir, 'deep', ...'uvwxyz'.split('').map((c) => c.repeat(200)));
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, 'file'), 'x');
    const listed = await keysOf('');
    expect(listed).toContain(`a/${'n'.repeat(200)}`);
    expect(listed.some((key) => key.includes('\\') || key.startsWith('deep/'))).toBe(false);
    await store.delete(listed);
    expect(await keysOf('')).toEqual([]);
  });

  it('matches a prefix that ends mid-segment', async () => {
    expect(await keysOf('a/b')).toEqual(['a/b-c', 'a/b.txt', 'a/b/e/f', 'a/ba', 'a/bc/d']);
    expect(await keysOf('a/bc')).toEqual(['a/bc/d']);
    expect(await keysOf('a')).toEqual([
      'a/b-c',
      'a/b.txt',
      'a/b/e/f',
      'a/ba',
      'a/bc/d',
      'a0',
      'ab',
    ]);
    expect(await keysOf('z/y/x/w/')).toEqual(['z/y/x/w/v']);
    expect(await keysOf('z/y/x/w/v')).toEqual(['z/y/x/w/v']);
  });

  it('treats a trailing "/" as a directory boundary', async () => {
    expect(await keysOf('a/b/')).toEqual(['a/b/e/f']);
    expect(await keysOf('a/b/e/f/')).toEqual([]);
    expect(await keysOf('a/b.txt/')).toEqual([]);
    expect(await keysOf('missing/deeper/')).toEqual([]);
  });

  it('never shows temp files, metadata or other non-files', async () => {
    await store.put('a/typed.csv', 'x', { contentType: 'text/csv' });
    await writeFile(join(root.dir, 'a', '.exportkit-tmp-deadbeef'), 'left by a crash');
    await mkdir(join(root.dir, 'empty-dir'));
    const listed = await keysOf('a/');
    expect(listed).toContain('a/typed.csv');
    expect(listed.some((key) => key.includes('.exportkit-'))).toBe(false);
    expect(await keysOf('empty')).toEqual([]);
  });

  it('reports size and lastModified from the file', async () => {
    const [info] = await collect(store.list('a/b.txt'));
    expect(info?.size).toBe('a/b.txt'.length);
    expect(info?.lastModified).toBeInstanceOf(Date);
  });

  it('streams lazily: the first result needs only the directories on its path', async () => {
    const readdirs: string[] = [];
    const countingFs: LocalDiskFs = {
      ...nodeFs,
      readdir: (path, options) => {
        readdirs.push(path);
        return nodeFs.readdir(path, options);
      },
    };
    const counting = new LocalDiskObjectStore({ root: root.dir, fs: countingFs });
    const iterator = counting.list('')[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.key).toBe('a/b-c');
    // root and "a" only; "a/b", "a/bc", "z"… are read when the walk gets there.
    expect(readdirs).toHaveLength(2);
    await iterator.return?.();
  });

  it('sees objects deleted during a walk as gone, without failing', async () => {
    const seen: string[] = [];
    for await (const info of store.list('')) {
      seen.push(info.key);
      if (info.key === 'a/b-c') await store.delete(['a/ba', 'a/bc/d', 'z/y/x/w/v']);
    }
    expect(seen).toEqual(['a/b-c', 'a/b.txt', 'a/b/e/f', 'a0', 'ab']);
  });
});
