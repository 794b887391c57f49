import type { Readable } from 'node:stream';
import type {
  LocalDiskDirent,
  LocalDiskFileHandle,
  LocalDiskFs,
  LocalDiskStats,
} from '@exportkit/local-disk';
import { Volume } from 'memfs';

/** An in-memory filesystem for fault tests, with `/root` created. */
export function memoryVolume(): Volume {
  const volume = new Volume();
  volume.mkdirSync('/root', { recursive: true });
  return volume;
}

/** The store's filesystem interface backed by a memfs volume. */
export function memfsFs(volume: Volume): LocalDiskFs {
  const fs = volume.promises;
  return {
    mkdir: (path, options) => fs.mkdir(path, options),
    // memfs's handle and stats types are wider than the subset the store reads.
    open: async (path, flags) => (await fs.open(path, flags)) as unknown as LocalDiskFileHandle,
    rename: (from, to) => fs.rename(from, to),
    unlink: (path) => fs.unlink(path),
    rmdir: (path) => fs.rmdir(path),
    stat: async (path) => (await fs.stat(path)) as unknown as LocalDiskStats,
    readdir: async (path, options) => (await fs.readdir(path, options)) as LocalDiskDirent[],
    realpath: async (path) => String(await fs.realpath(path)),
    readFile: async (path, encoding) => String(await fs.readFile(path, encoding)),
    createReadStream: (path) => volume.createReadStream(path) as unknown as Readable,
  };
}

/** A Node-style system error, as the real filesystem raises them. */
export function systemError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });
}

/** Every file (not directory) under `dir` in the volume, as absolute paths. */
export function filesIn(volume: Volume, dir: string): string[] {
  return Object.entries(volume.toJSON(dir))
    .filter(([, content]) => content !== null)
    .map(([path]) => path)
    .sort();
}
