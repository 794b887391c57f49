import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalDiskObjectStore } from '@exportkit/local-disk';
import { collect, expectExportkitError, readText } from '@exportkit/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRoot, type TempRoot } from './support/temp-root.js';

describe('LocalDiskObjectStore keys and paths', () => {
  let sandbox: TempRoot;
  let root: string;
  let outside: string;
  let store: LocalDiskObjectStore;
  beforeEach(async () => {
    // The store's root and a sibling directory it must never touch.
    sandbox = await makeTempRoot();
    root = join(sandbox.dir, 'root');
    outside = join(sandbox.dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'do not touch');
    store = new LocalDiskObjectStore({ root });
  });
  afterEach(() => sandbox.cleanup());

  const traversals = [
    '../outside/secret.txt',
    'a/../../outside/x',
    '/etc/passwd',
    'a\\..\\..\\x',
    'a\0b',
    'a//b',
    '..',
  ];

  for (const key of traversals) {
    it(`refuses ${JSON.stringify(key)} everywhere with INVALID_KEY`, async () => {
      await expectExportkitError(() => store.put(key, 'evil'), 'INVALID_KEY');
      await expectExportkitError(() => store.get(key), 'INVALID_KEY');
      await expectExportkitError(() => store.head(key), 'INVALID_KEY');
      await expectExportkitError(() => store.delete([key]), 'INVALID_KEY');
      await expectExportkitError(() => store.signedUrl(key, { expiresInMs: 1000 }), 'INVALID_KEY');
      expect(await readdir(outside)).toEqual(['secret.txt']);
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('do not touch');
    });
  }

  it('reserves the ".exportkit-" namespace for its temp and metadata files', async () => {
    for (const key of ['.exportkit-tmp-0123', 'a/.exportkit-meta/b', '.exportkit-meta']) {
      await expectExportkitError(() => store.put(key, 'x'), 'INVALID_KEY');
      await expectExportkitError(() => store.head(key), 'INVALID_KEY');
    }
    // Other dot names are ordinary keys.
    await store.put('.hidden/.file', 'fine');
    expect(await readText(store, '.hidden/.file')).toBe('fine');
  });

  describe('symbolic links out of the root', () => {
    beforeEach(async () => {
      await mkdir(root, { recursive: true });
      await symlink(outside, join(root, 'dir-link'));
      await symlink(join(outside, 'secret.txt'), join(root, 'file-link'));
    });

    it('will not write through a linked directory', async () => {
      await expectExportkitError(() => store.put('dir-link/planted.txt', 'evil'), 'INVALID_KEY');
      // Not even the directories of a deeper key get created on the other side.
      await expectExportkitError(
        () => store.put('dir-link/new/sub/planted.txt', 'evil'),
        'INVALID_KEY',
      );
      expect(await readdir(outside)).toEqual(['secret.txt']);
    });

    it('will not read or report a file reached through a link', async () => {
      await expectExportkitError(() => store.get('dir-link/secret.txt'), 'INVALID_KEY');
      await expectExportkitError(() => store.get('file-link'), 'INVALID_KEY');
      await expectExportkitError(() => store.head('file-link'), 'INVALID_KEY');
    });

    it('will not delete through a linked directory', async () => {
      await expectExportkitError(() => store.delete(['dir-link/secret.txt']), 'INVALID_KEY');
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('do not touch');
    });

    it('never lists links, even when a prefix names one', async () => {
      await store.put('real/file', 'x');
      expect((await collect(store.list(''))).map((info) => info.key)).toEqual(['real/file']);
      expect(await collect(store.list('dir-link/'))).toEqual([]);
      expect(await collect(store.list('dir-link/sec'))).toEqual([]);
    });

    it('replacing a link with put swaps the link itself, not its target', async () => {
      await store.put('file-link', 'new object');
      expect(await readText(store, 'file-link')).toBe('new object');
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('do not touch');
    });
  });

  describe('a root removed while the store is in use', () => {
    it('is created again by the next put', async () => {
      await store.put('a/first', 'x');
      await rm(root, { recursive: true });
      await store.put('b/second', 'y');
      expect(await readText(store, 'b/second')).toBe('y');
    });

    it('replaced by a link out of it, refuses the put and writes nothing there', async () => {
      await store.put('a/first', 'x');
      await rm(root, { recursive: true });
      await symlink(outside, root);
      await expectExportkitError(() => store.put('b/planted', 'evil'), 'INVALID_KEY');
      expect(await readdir(outside)).toEqual(['secret.txt']);
    });
  });

  describe('a key that is also a prefix of other keys', () => {
    it('put of "a/b" when "a" is an object fails with a non-retryable STORAGE_ERROR', async () => {
      await store.put('a', 'file');
      const error = await expectExportkitError(() => store.put('a/b', 'x'), 'STORAGE_ERROR');
      expect(error).toMatchObject({ retryable: false });
      expect(error.message).toMatch(/^\[exportkit\] \[local-disk\] .*prefix/);
      expect(await readText(store, 'a')).toBe('file');
    });

    it('put of "x" when "x/y" exists fails; "x" reads as missing and deleting it is a no-op', async () => {
      await store.put('x/y', 'inner');
      await expectExportkitError(() => store.put('x', 'outer'), 'STORAGE_ERROR');
      expect(await store.head('x')).toBeUndefined();
      await expectExportkitError(() => store.get('x'), 'OBJECT_NOT_FOUND');
      await store.delete(['x']);
      expect(await readText(store, 'x/y')).toBe('inner');
      expect(await store.head('x/y/z')).toBeUndefined();
    });
  });

  it('a segment longer than the filesystem allows is INVALID_KEY, not a storage failure', async () => {
    const key = `long/${'x'.repeat(300)}`;
    const error = await expectExportkitError(() => store.put(key, 'x'), 'INVALID_KEY');
    expect(error.message).toMatch(/shorter key segments/);
    expect(await store.head(key)).toBeUndefined();
    expect(await collect(store.list(''))).toEqual([]);
  });

  it('resolves a relative root against the working directory', () => {
    expect(new LocalDiskObjectStore({ root: 'exports' }).root).toBe(join(process.cwd(), 'exports'));
  });

  it('requires a root', () => {
    expect(() => new LocalDiskObjectStore({ root: '' })).toThrow(/Pass `root`/);
  });
});
