import type { ObjectStore } from '@exportkit/core';

/** Reads an async iterable to the end into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Joins byte chunks into one buffer. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Reads a whole object from `store` (throws `OBJECT_NOT_FOUND` like `get`). */
export async function readAll(store: ObjectStore, key: string): Promise<Uint8Array> {
  return concatBytes(await collect(await store.get(key)));
}

/** Reads a whole object from `store` as UTF-8 text. */
export async function readText(store: ObjectStore, key: string): Promise<string> {
  return new TextDecoder().decode(await readAll(store, key));
}

/**
 * Asserts two byte arrays are equal without an element-by-element deep diff (slow on
 * megabytes); on a mismatch it reports the lengths and the first differing offset.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label = 'bytes'): void {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  throw new Error(
    `[exportkit] [testkit] ${label} differ: got ${actual.byteLength} bytes, expected ${expected.byteLength}; first difference at offset ${at}.`,
  );
}
