import {
  type LocalDiskFileHandle,
  type LocalDiskFs,
  LocalDiskObjectStore,
} from '@exportkit/local-disk';
import { collect, expectExportkitError, readText } from '@exportkit/testkit';
import type { Volume } from 'memfs';
import { beforeEach, describe, expect, it } from 'vitest';
import { filesIn, memfsFs, memoryVolume, systemError } from './support/memfs-fs.js';
import { gate, until } from './support/walk.js';

/** Yields `count` chunks of `size` bytes, counting how many the store has pulled. */
function countedBody(
  count: number,
  size: number,
): { body: AsyncGenerator<Uint8Array>; pulled(): number } {
  let pulled = 0;
  const body = (async function* () {
    for (let i = 0; i < count; i++) {
      pulled++;
      yield new Uint8Array(size).fill(i);
    }
  })();
  return { body, pulled: () => pulled };
}

/** The memfs filesystem with `open` returning handles whose writes go through `write`. */
function withWrites(
  base: LocalDiskFs,
  write: (
    handle: LocalDiskFileHandle,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ) => Promise<{ bytesWritten: number }>,
): LocalDiskFs {
  return {
    ...base,
    open: async (path, flags) => {
      const handle = await base.open(path, flags);
      return {
        write: (buffer, offset, length) => write(handle, buffer, offset, length),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
  };
}

describe('LocalDiskObjectStore under filesystem faults (memfs)', () => {
  let volume: Volume;
  let fs: LocalDiskFs;
  beforeEach(() => {
    volume = memoryVolume();
    fs = memfsFs(volume);
  });
  const storeOn = (custom: LocalDiskFs): LocalDiskObjectStore =>
    new LocalDiskObjectStore({ root: '/root', fs: custom });

  it('works end to end on memfs', async () => {
    const store = storeOn(fs);
    await store.put('a/b', 'hello', { contentType: 'text/plain' });
    expect(await readText(store, 'a/b')).toBe('hello');
    expect(await store.head('a/b')).toMatchObject({
      key: 'a/b',
      size: 5,
      contentType: 'text/plain',
    });
    expect((await collect(store.list(''))).map((info) => info.key)).toEqual(['a/b']);
    await store.delete(['a/b']);
    expect(volume.readdirSync('/root')).toEqual([]);
  });

  it('a disk that fills up mid-write fails the put with STORAGE_ERROR and leaves no temp file', async () => {
    let written = 0;
    const full = withWrites(fs, async (handle, buffer, offset, length) => {
      if (written + length > 150_000) throw systemError('ENOSPC', 'write');
      written += length;
      return handle.write(buffer, offset, length);
    });
    const store = storeOn(full);
    await storeOn(fs).put('p/part', 'previous');
    const error = await expectExportkitError(
      () => store.put('p/part', countedBody(10, 64 * 1024).body),
      'STORAGE_ERROR',
    );
    expect(error.message).toMatch(/^\[exportkit\] \[local-disk\] .*disk is full/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(filesIn(volume, '/root')).toEqual(['/root/p/part']);
    expect(await readText(store, 'p/part')).toBe('previous');
  });

  it('permission denied on the temp file is ACCESS_DENIED, with the fs error as cause', async () => {
    const store = storeOn({
      ...fs,
      open: async () => Promise.reject(systemError('EACCES', 'open')),
    });
    const error = await expectExportkitError(() => store.put('x/y', 'data'), 'ACCESS_DENIED');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EACCES');
    expect(filesIn(volume, '/root')).toEqual([]);
  });

  it('permission denied while writing (EACCES mid-stream) removes the temp file', async () => {
    let writes = 0;
    const store = storeOn(
      withWrites(fs, async (handle, buffer, offset, length) => {
        if (++writes === 2) throw systemError('EACCES', 'write');
        return handle.write(buffer, offset, length);
      }),
    );
    await expectExportkitError(
      () => store.put('x/y', countedBody(40, 64 * 1024).body),
      'ACCESS_DENIED',
    );
    expect(filesIn(volume, '/root')).toEqual([]);
  });

  it('an fsync failure is a retryable STORAGE_ERROR and publishes nothing', async () => {
    const store = storeOn({
      ...fs,
      open: async (path, flags) => {
        const handle = await fs.open(path, flags);
        return {
          ...handle,
          write: handle.write.bind(handle),
          close: handle.close.bind(handle),
          sync: () => Promise.reject(systemError('EIO', 'fsync')),
        };
      },
    });
    const error = await expectExportkitError(() => store.put('x/y', 'data'), 'STORAGE_ERROR');
    expect(error).toMatchObject({ retryable: true });
    expect(filesIn(volume, '/root')).toEqual([]);
  });

  it('a failed rename removes the temp files', async () => {
    const store = storeOn({
      ...fs,
      rename: async () => Promise.reject(systemError('EXDEV', 'rename')),
    });
    await expectExportkitError(
      () => store.put('x/y', 'data', { contentType: 'text/csv' }),
      'STORAGE_ERROR',
    );
    expect(filesIn(volume, '/root')).toEqual([]);
  });

  it('listing a directory it may not read is ACCESS_DENIED', async () => {
    await storeOn(fs).put('locked/file', 'x');
    const store = storeOn({
      ...fs,
      readdir: async (path, options) =>
        path.endsWith('/locked')
          ? Promise.reject(systemError('EACCES', 'scandir'))
          : fs.readdir(path, options),
    });
    await expectExportkitError(() => collect(store.list('')), 'ACCESS_DENIED');
  });

  it('a root it cannot create is ACCESS_DENIED, and a later call retries', async () => {
    let denied = true;
    const store = storeOn({
      ...fs,
      mkdir: async (path, options) =>
        denied ? Promise.reject(systemError('EACCES', 'mkdir')) : fs.mkdir(path, options),
    });
    await expectExportkitError(() => store.head('a'), 'ACCESS_DENIED');
    denied = false;
    expect(await store.head('a')).toBeUndefined();
  });

  it('pulls no more of the body while a write is pending (backpressure)', async () => {
    const slowDisk = gate();
    let writeCalls = 0;
    const store = storeOn(
      withWrites(fs, async (handle, buffer, offset, length) => {
        writeCalls++;
        await slowDisk.promise;
        return handle.write(buffer, offset, length);
      }),
    );
    const source = countedBody(64, 64 * 1024);
    const put = store.put('slow/part', source.body);
    await until(async () => writeCalls === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // 16 chunks of 64 KiB make one 1 MiB write; nothing more is read until it completes.
    expect(source.pulled()).toBe(16);
    slowDisk.open();
    expect(await put).toEqual({ size: 64 * 64 * 1024 });
  });
});
