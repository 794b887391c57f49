import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file and directory under `root` (hidden ones too), as sorted relative paths; directories end with "/". */
export async function walk(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        found.push(`${relative(root, path)}/`);
        await visit(path);
      } else {
        found.push(relative(root, path));
      }
    }
  };
  await visit(root);
  return found.sort();
}

/** Resolves once `check` returns true, polling every few milliseconds (fails after 5 s). */
export async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise with its resolve function exposed. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
