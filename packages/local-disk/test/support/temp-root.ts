import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh empty directory under the OS temp dir, and how to remove it. */
export interface TempRoot {
  dir: string;
  cleanup(): Promise<void>;
}

/** Creates a unique temp directory for one test. */
export async function makeTempRoot(): Promise<TempRoot> {
  const dir = await mkdtemp(join(tmpdir(), 'exportkit-local-disk-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
