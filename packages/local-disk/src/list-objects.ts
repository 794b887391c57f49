import { join, relative, resolve } from 'node:path';
import { isValidKey, type ObjectInfo } from '@exportkit/core';
import { errnoCode, toStoreError } from './fs-errors.js';
import type { LocalDiskFs } from './fs-like.js';
import { isReservedName } from './key-path.js';

/** Where a listing walks: the store's root as configured and as resolved through symlinks. */
export interface ListRoots {
  root: string;
  realRoot: string;
}

/**
 * Every object whose key starts with `prefix` (already validated), in ascending UTF-8 byte
 * order of the key. Walks only the directories the prefix can reach, reads one directory at
 * a time and yields as it goes, so memory holds one directory listing per level, not the
 * whole tree. Store-owned names (temp and metadata files) and symbolic links are skipped.
 */
export async function* listObjects(
  fs: LocalDiskFs,
  roots: ListRoots,
  prefix: string,
): AsyncGenerator<ObjectInfo> {
  // The deepest directory the prefix fully names: "a/b/c" and "a/b/" both start in "a/b".
  const cut = prefix.lastIndexOf('/');
  const startKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
  const segments = startKey.split('/').filter((segment) => segment !== '');
  if (segments.some(isReservedName)) return;
  const startPath = resolve(roots.root, ...segments);
  if (!(await isPlainDirectory(fs, roots, startPath, startKey))) return;
  yield* walk(fs, startPath, startKey, prefix);
}

async function* walk(
  fs: LocalDiskFs,
  dirPath: string,
  dirKey: string,
  prefix: string,
): AsyncGenerator<ObjectInfo> {
  for (const entry of await sortedEntries(fs, dirPath, dirKey)) {
    const path = join(dirPath, entry.name);
    if (entry.isDirectory) {
      if (entry.key.startsWith(prefix) || prefix.startsWith(entry.key))
        yield* walk(fs, path, entry.key, prefix);
    } else if (entry.key.startsWith(prefix) && isValidKey(entry.key)) {
      // (A file another program named so no method takes its key, e.g. `a\b`, is left out.)
      const info = await statObject(fs, path, entry.key);
      if (info) yield info;
    }
  }
}

interface ListedEntry {
  name: string;
  /** The object's key, or for a directory the prefix of the keys below it (ends with "/"). */
  key: string;
  isDirectory: boolean;
  sortKey: Buffer;
}

/**
 * The directory's files and subdirectories sorted so keys come out in byte order: a directory
 * sorts as `name/`, so "a-b" < "a.txt" < "a/x" exactly as the keys they hold compare.
 */
async function sortedEntries(
  fs: LocalDiskFs,
  dirPath: string,
  dirKey: string,
): Promise<ListedEntry[]> {
  let dirents: Awaited<ReturnType<LocalDiskFs['readdir']>>;
  try {
    dirents = await fs.readdir(dirPath, { withFileTypes: true });
  } catch (error) {
    // Removed by a concurrent delete (or replaced by a file) since we saw it: nothing below.
    if (isGone(error)) return [];
    throw toStoreError(error, 'list', dirKey);
  }
  const entries: ListedEntry[] = [];
  for (const dirent of dirents) {
    if (isReservedName(dirent.name)) continue;
    const isDirectory = dirent.isDirectory();
    if (!isDirectory && !dirent.isFile()) continue;
    const key = `${dirKey}${dirent.name}${isDirectory ? '/' : ''}`;
    entries.push({ name: dirent.name, key, isDirectory, sortKey: Buffer.from(key, 'utf8') });
  }
  return entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
}

async function statObject(
  fs: LocalDiskFs,
  path: string,
  key: string,
): Promise<ObjectInfo | undefined> {
  try {
    const stats = await fs.stat(path);
    return stats.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : undefined;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw toStoreError(error, 'list', key);
  }
}

/**
 * True when `path` is a directory reached without following a symbolic link, so a prefix
 * cannot lead a listing anywhere the walk from the root would not go.
 */
async function isPlainDirectory(
  fs: LocalDiskFs,
  roots: ListRoots,
  path: string,
  key: string,
): Promise<boolean> {
  try {
    const real = await fs.realpath(path);
    if (real !== join(roots.realRoot, relative(roots.root, path))) return false;
    return (await fs.stat(real)).isDirectory();
  } catch (error) {
    if (isGone(error)) return false;
    throw toStoreError(error, 'list', key);
  }
}

function isGone(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
