import { dirname, join } from 'node:path';
import type { LocalDiskFs } from './fs-like.js';
import { isInside, isTempFileName, metadataDirName } from './key-path.js';

/**
 * A temp file untouched this long is taken for one a put left when its process died: a live
 * put writes to its file every few milliseconds while its source delivers.
 */
export const staleTempMs = 60 * 60 * 1000;

/**
 * Removes `dir` and its ancestors while they are empty, stopping below `root`, so deleting the
 * last object under a prefix leaves no directory behind. A directory that holds nothing but
 * stale temp files (see {@link staleTempMs}) counts as empty: they are removed with it, or a
 * crashed worker's partial part (up to a whole part's size) would stay for ever, out of every
 * listing. Best effort: the first directory that is not empty (or cannot be removed) ends it.
 * A concurrent put that loses its fresh directory here recreates it (see `writeTempFile`).
 */
export async function pruneEmptyDirs(fs: LocalDiskFs, root: string, dir: string): Promise<void> {
  for (let current = dir; isInside(root, current); current = dirname(current)) {
    // An empty metadata directory would otherwise keep its parent alive.
    await fs.rmdir(join(current, metadataDirName)).catch(() => undefined);
    if (!(await removeDir(fs, current))) return;
  }
}

async function removeDir(fs: LocalDiskFs, dir: string): Promise<boolean> {
  try {
    await fs.rmdir(dir);
    return true;
  } catch {
    if (!(await removeStaleTempFiles(fs, dir))) return false;
    return fs.rmdir(dir).then(
      () => true,
      () => false,
    );
  }
}

/** Removes `dir`'s temp files when they are all it holds and all stale; true if it did. */
async function removeStaleTempFiles(fs: LocalDiskFs, dir: string): Promise<boolean> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  if (entries.length === 0 || !entries.every((e) => e.isFile() && isTempFileName(e.name))) {
    return false;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const stats = await fs.stat(path).catch(() => undefined);
    if (!stats || Date.now() - stats.mtime.getTime() < staleTempMs) return false;
    await fs.unlink(path).catch(() => undefined);
  }
  return true;
}
