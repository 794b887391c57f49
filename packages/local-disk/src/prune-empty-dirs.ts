import { dirname, join } from 'node:path';
import type { LocalDiskFs } from './fs-like.js';
import { isInside, metadataDirName } from './key-path.js';

/**
 * Removes `dir` and its ancestors while they are empty, stopping below `root`, so deleting the
 * last object under a prefix leaves no directory behind. Best effort: the first directory that
 * is not empty (or cannot be removed) ends it. A concurrent put that loses its fresh directory
 * here recreates it (see `writeTempFile`).
 */
export async function pruneEmptyDirs(fs: LocalDiskFs, root: string, dir: string): Promise<void> {
  for (let current = dir; isInside(root, current); current = dirname(current)) {
    // An empty metadata directory would otherwise keep its parent alive.
    await fs.rmdir(join(current, metadataDirName)).catch(() => undefined);
    try {
      await fs.rmdir(current);
    } catch {
      return;
    }
  }
}
