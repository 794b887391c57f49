import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { assertValidKey, ExportkitError } from '@exportkit/core';
import { errnoCode, storeName } from './fs-errors.js';
import type { LocalDiskFs } from './fs-like.js';

/**
 * File and directory names starting with this belong to the store (temp files, metadata), so
 * `list` can hide them and no key can collide with them.
 */
export const reservedNamePrefix = '.exportkit-';

/** The directory beside each object that holds its metadata file (same name as the object). */
export const metadataDirName = `${reservedNamePrefix}meta`;

/** True for a store-owned name that `list` never shows and keys may not use. */
export function isReservedName(name: string): boolean {
  return name.startsWith(reservedNamePrefix);
}

const tempPrefix = `${reservedNamePrefix}tmp-`;

/** A fresh temp file name; fixed length, so a long key segment cannot overflow NAME_MAX. */
export function tempFileName(): string {
  return `${tempPrefix}${randomBytes(8).toString('hex')}`;
}

/** True for a name {@link tempFileName} made. */
export function isTempFileName(name: string): boolean {
  return name.startsWith(tempPrefix);
}

/**
 * The absolute path of `key` under `root`. Throws `INVALID_KEY` for a key core rejects, for a
 * segment in the store's reserved namespace, and (defence in depth) for any path that would
 * land outside `root`.
 */
export function keyToPath(root: string, key: string): string {
  assertValidKey(key, storeName);
  const segments = key.split('/');
  if (segments.some(isReservedName)) {
    throw invalidKey(
      key,
      `a segment starts with "${reservedNamePrefix}", which the store reserves for its own files`,
    );
  }
  const path = resolve(root, ...segments);
  if (!isInside(root, path)) throw invalidKey(key, 'it resolves outside the store root');
  return path;
}

/** True when `path` is strictly below `root` (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Resolves symbolic links in `path` and throws `INVALID_KEY` unless the result is `realRoot` or
 * below it, so a link planted inside the root cannot make the store read or write elsewhere.
 * Returns the real path; filesystem errors (ENOENT) propagate for the caller to map.
 */
export async function realPathInside(
  fs: LocalDiskFs,
  realRoot: string,
  path: string,
  key: string,
): Promise<string> {
  const real = await fs.realpath(path);
  if (real !== realRoot && !isInside(realRoot, real)) {
    throw invalidKey(key, 'it resolves outside the store root through a symbolic link');
  }
  return real;
}

/**
 * Like {@link realPathInside} for a directory that may not exist yet: checks its nearest
 * existing ancestor, so `mkdir -p` is never run through a link that leads outside the root.
 * The walk stops at the store's `root`: when the root itself was removed while the store is in
 * use (a cleanup of the export folder, say), it is created again and must resolve to
 * `realRoot` as before, rather than the check climbing above it and failing every put.
 */
export async function assertDirInside(
  fs: LocalDiskFs,
  roots: { root: string; realRoot: string },
  dir: string,
  key: string,
): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    try {
      await realPathInside(fs, roots.realRoot, current, key);
      return;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      if (current === roots.root) {
        await fs.mkdir(roots.root, { recursive: true });
        await realPathInside(fs, roots.realRoot, roots.root, key);
        return;
      }
      if (dirname(current) === current) throw error;
    }
  }
}

function invalidKey(key: string, problem: string): ExportkitError {
  return new ExportkitError(
    'INVALID_KEY',
    `[exportkit] [${storeName}] Invalid object key: ${problem}.`,
    {
      details: { key: key.slice(0, 200) },
    },
  );
}
