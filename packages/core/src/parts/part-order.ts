import type { ObjectInfo, ObjectStore } from '../ports/object-store.js';

/**
 * The part number a key names, or `undefined` when it names none. Understands exportkit's
 * `part-00001.csv` and the `urls.csv`, `urls.csv_part2`, `urls.csv_part3` convention (where the
 * first part has no suffix and counts as 1).
 */
export function partNumber(key: string): number | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const suffixed = /_part(\d+)$/.exec(name);
  if (suffixed) return Number(suffixed[1]);
  const numbered = /^part-(\d+)\./.exec(name);
  if (numbered) return Number(numbered[1]);
  return undefined;
}

/**
 * Sorts keys by part number (2 before 10), keys without a number first as part 1, then by key.
 * Returns a new array.
 */
export function sortPartKeys(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => (partNumber(a) ?? 1) - (partNumber(b) ?? 1) || compareKeys(a, b));
}

/** Every object under `prefix` whose key names a part (or is the unsuffixed first part), in part order. */
export async function listParts(
  store: ObjectStore,
  prefix: string,
  baseName?: string,
): Promise<ObjectInfo[]> {
  const found: ObjectInfo[] = [];
  for await (const info of store.list(prefix)) {
    const name = info.key.slice(info.key.lastIndexOf('/') + 1);
    const isPart =
      partNumber(info.key) !== undefined || (baseName !== undefined && name === baseName);
    if (isPart) found.push(info);
  }
  const order = new Map(sortPartKeys(found.map((f) => f.key)).map((key, index) => [key, index]));
  return found.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
