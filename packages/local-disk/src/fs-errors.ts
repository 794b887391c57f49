import { ExportkitError } from '@exportkit/core';

/** Adapter name used in every error message and in key validation. */
export const storeName = 'local-disk';

/** The `code` of a Node.js system error (`'ENOENT'`, `'EACCES'`), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** What the store was doing when the filesystem failed; only a `read` can miss an object. */
export type StoreAction = 'read' | 'write' | 'delete' | 'list' | 'open the root of';

/**
 * Turns a filesystem error raised while doing `action` on `key` into an {@link ExportkitError}
 * with a stable code, keeping the original as `cause`. An ExportkitError passes through.
 */
export function toStoreError(error: unknown, action: StoreAction, key: string): ExportkitError {
  if (error instanceof ExportkitError) return error;
  const errno = errnoCode(error) ?? 'unknown error';
  const details = { key: key.slice(0, 200), errno };
  const base = `[exportkit] [${storeName}] Could not ${action} "${key.slice(0, 200)}" (${errno})`;
  if (action === 'read' && (errno === 'ENOENT' || errno === 'ENOTDIR')) {
    return new ExportkitError('OBJECT_NOT_FOUND', `${base}: no such object.`, {
      cause: error,
      details,
    });
  }
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ExportkitError(
        'ACCESS_DENIED',
        `${base}: permission denied. Make the store's root readable and writable by this process.`,
        { cause: error, details },
      );
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      // A filesystem cannot hold both an object "a" and objects under "a/"; retrying won't help.
      return new ExportkitError(
        'STORAGE_ERROR',
        `${base}: a key cannot be both an object and a prefix of other objects on local disk. Use keys that are not prefixes of one another at a "/" boundary.`,
        { cause: error, details, retryable: false },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new ExportkitError(
        'STORAGE_ERROR',
        `${base}: the disk is full. Free space or move the store's root.`,
        {
          cause: error,
          details,
        },
      );
    case 'ENAMETOOLONG':
      return new ExportkitError(
        'INVALID_KEY',
        `${base}: a key segment is longer than the filesystem allows (usually 255 bytes). Use shorter key segments.`,
        { cause: error, details },
      );
    default:
      return new ExportkitError('STORAGE_ERROR', `${base}.`, { cause: error, details });
  }
}
