import { ExportkitError } from './errors.js';
import type { Manifest } from './manifest.js';
import type { ObjectStore } from './ports/object-store.js';

/**
 * Reads manifests, caching a few hundred: a manifest's key holds its run id, so its content
 * never changes and a cached copy is never stale.
 */
export class ManifestReader {
  readonly #cache = new Map<string, Manifest>();
  readonly #store: ObjectStore;
  readonly #capacity: number;

  constructor(store: ObjectStore, capacity = 256) {
    this.#store = store;
    this.#capacity = capacity;
  }

  /** The manifest at `key`; `STORAGE_ERROR` when it is missing or unreadable. */
  async read(key: string): Promise<Manifest> {
    const cached = this.#cache.get(key);
    if (cached) return cached;
    let manifest: Manifest;
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of await this.#store.get(key)) chunks.push(chunk);
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest;
    } catch (error) {
      throw new ExportkitError(
        'STORAGE_ERROR',
        `[exportkit] [${this.#store.name}] Could not read manifest ${key}.`,
        { cause: error },
      );
    }
    if (this.#cache.size >= this.#capacity)
      this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, manifest);
    return manifest;
  }
}
