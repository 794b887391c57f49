import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';
import { addAbortSignal } from 'node:stream';
import {
  assertValidPrefix,
  ExportkitError,
  isExportkitError,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type ObjectStoreCapabilities,
  type PutOptions,
  type SignedUrlOptions,
} from '@exportkit/core';
import { errnoCode, storeName, toStoreError } from './fs-errors.js';
import { type LocalDiskFs, nodeFs } from './fs-like.js';
import { assertDirInside, keyToPath, metadataDirName, realPathInside } from './key-path.js';
import { listObjects } from './list-objects.js';
import {
  defaultContentType,
  encodeMetadata,
  metadataPath,
  readContentType,
} from './object-metadata.js';
import { pruneEmptyDirs } from './prune-empty-dirs.js';
import {
  createSignedUrl,
  type LocalDiskSigningOptions,
  type ResolvedSigning,
  resolveSigning,
} from './signed-url.js';
import { removeQuietly, SourceFailure, type TempFile, writeTempFile } from './write-temp-file.js';

/** Options for {@link LocalDiskObjectStore}. */
export interface LocalDiskObjectStoreOptions {
  /**
   * The directory that holds the objects; created on first use. A relative path resolves
   * against the working directory.
   */
  root: string;
  /**
   * Enables `signedUrl`: URLs under `baseUrl` that `createDownloadHandler` serves.
   * @defaultValue `undefined` (no signed URLs; `capabilities.signedUrls` is false)
   */
  signing?: LocalDiskSigningOptions;
  /** The filesystem to use; tests pass one that injects faults. @defaultValue `nodeFs` (node:fs) */
  fs?: LocalDiskFs;
  /** The time signed URLs expire from. @defaultValue `() => new Date()` */
  clock?: () => Date;
}

/** Files deleted at a time: enough to overlap syscalls, few enough to spare file handles. */
const deleteConcurrency = 8;

/**
 * An {@link ObjectStore} on the local filesystem: each key is a file under `root`, written to
 * a temp file, fsynced and renamed into place, so readers see the old object or the whole new
 * one, never a partial file. Signed URLs are HMAC-signed links to `createDownloadHandler`.
 */
export class LocalDiskObjectStore implements ObjectStore {
  readonly name: string = storeName;
  readonly capabilities: ObjectStoreCapabilities;
  /** The absolute root directory. */
  readonly root: string;
  readonly #fs: LocalDiskFs;
  readonly #signing: ResolvedSigning | undefined;
  readonly #clock: () => Date;
  #realRoot: Promise<string> | undefined;

  constructor(options: LocalDiskObjectStoreOptions) {
    if (typeof options?.root !== 'string' || options.root === '') {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [${storeName}] Pass \`root\`, the directory to keep objects in (e.g. new LocalDiskObjectStore({ root: './exports' })).`,
      );
    }
    this.root = resolve(options.root);
    this.#fs = options.fs ?? nodeFs;
    this.#signing = options.signing === undefined ? undefined : resolveSigning(options.signing);
    this.#clock = options.clock ?? (() => new Date());
    this.capabilities = { signedUrls: this.#signing !== undefined };
  }

  /** Streams `body` to a temp file beside the target, fsyncs it, then renames it over `key`. */
  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ size: number }> {
    const path = keyToPath(this.root, key);
    const { signal } = options;
    signal?.throwIfAborted();
    const fs = this.#fs;
    const dir = dirname(path);
    const temps: TempFile[] = [];
    try {
      const realRoot = await this.#realRootPath();
      const checkDir = (): Promise<void> =>
        assertDirInside(fs, { root: this.root, realRoot }, dir, key);
      const data = await writeTempFile(fs, dir, body, checkDir, signal);
      temps.push(data);
      const contentType = options.contentType ?? defaultContentType;
      if (contentType === defaultContentType) {
        // Dropped before the data lands, so the new bytes never show the old type.
        await removeQuietly(fs, metadataPath(path));
      } else {
        const meta = await writeTempFile(fs, dir, encodeMetadata({ contentType }), checkDir);
        temps.push(meta);
        await fs.mkdir(join(dir, metadataDirName), { recursive: true });
        await fs.rename(meta.path, metadataPath(path));
      }
      // The last moment an abort can still prevent the object from appearing.
      signal?.throwIfAborted();
      await fs.rename(data.path, path);
      return { size: data.size };
    } catch (error) {
      await Promise.all(temps.map((temp) => removeQuietly(fs, temp.path)));
      // Not after INVALID_KEY: `dir` may then lead outside the root through a link.
      if (!isExportkitError(error, 'INVALID_KEY')) await pruneEmptyDirs(fs, this.root, dir);
      if (error instanceof SourceFailure) throw error.error;
      if (signal?.aborted && error === signal.reason) throw error;
      throw toStoreError(error, 'write', key);
    }
  }

  /** Opens the file for reading; throws `OBJECT_NOT_FOUND` when it is missing or a directory. */
  async get(
    key: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<AsyncIterable<Uint8Array>> {
    const path = keyToPath(this.root, key);
    try {
      const real = await realPathInside(this.#fs, await this.#realRootPath(), path, key);
      if (!(await this.#fs.stat(real)).isFile()) throw objectNotFound(key);
      const stream = this.#fs.createReadStream(real);
      // Opening is lazy; wait for it so a file deleted just now throws here, not mid-read.
      await once(stream, 'open');
      return options.signal ? addAbortSignal(options.signal, stream) : stream;
    } catch (error) {
      throw toStoreError(error, 'read', key);
    }
  }

  /** The object's size, modification time and content type, or `undefined` when missing. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = keyToPath(this.root, key);
    try {
      const real = await realPathInside(this.#fs, await this.#realRootPath(), path, key);
      const stats = await this.#fs.stat(real);
      if (!stats.isFile()) return undefined;
      const contentType = await readContentType(this.#fs, real);
      return { key, size: stats.size, lastModified: stats.mtime, contentType };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw toStoreError(error, 'read', key);
    }
  }

  /** Walks the directories under `prefix` lazily, yielding objects in UTF-8 byte order of key. */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix, storeName);
    const realRoot = await this.#realRootPath();
    yield* listObjects(this.#fs, { root: this.root, realRoot }, prefix);
  }

  /** Deletes each file and its metadata, then removes directories left empty, up to the root. */
  async delete(keys: readonly string[]): Promise<void> {
    // Validate the whole batch first: one bad key deletes nothing.
    const paths = keys.map((key) => keyToPath(this.root, key));
    if (paths.length === 0) return;
    const realRoot = await this.#realRootPath();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < paths.length) {
        const index = next++;
        await this.#deleteOne(realRoot, paths[index]!, keys[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(deleteConcurrency, paths.length) }, worker));
  }

  /** An HMAC-signed URL under `signing.baseUrl`; requires the `signing` option. */
  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    keyToPath(this.root, key);
    if (!this.#signing) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        `[exportkit] [${storeName}] signedUrl needs the \`signing\` option: new LocalDiskObjectStore({ root, signing: { secret, baseUrl } }), with a download handler served at baseUrl.`,
      );
    }
    return createSignedUrl(this.#signing, key, options, this.#clock());
  }

  async #deleteOne(realRoot: string, path: string, key: string): Promise<void> {
    const fs = this.#fs;
    const dir = dirname(path);
    try {
      const realDir = await realPathInside(fs, realRoot, dir, key);
      await fs.unlink(join(realDir, basename(path))).catch(async (error: unknown) => {
        if (isMissing(error) || (await isDirectory(fs, path))) return;
        throw error;
      });
      await removeQuietly(fs, metadataPath(join(realDir, basename(path))));
    } catch (error) {
      if (isMissing(error)) return;
      throw toStoreError(error, 'delete', key);
    }
    await pruneEmptyDirs(fs, this.root, dir);
  }

  /** The root with links resolved, created on first use: every resolved path must stay under it. */
  #realRootPath(): Promise<string> {
    this.#realRoot ??= (async () => {
      await this.#fs.mkdir(this.root, { recursive: true });
      return this.#fs.realpath(this.root);
    })().catch((error: unknown) => {
      // Let the next call retry (the directory may become available).
      this.#realRoot = undefined;
      throw toStoreError(error, 'open the root of', this.root);
    });
    return this.#realRoot;
  }
}

function objectNotFound(key: string): ExportkitError {
  return new ExportkitError(
    'OBJECT_NOT_FOUND',
    `[exportkit] [${storeName}] Could not read "${key.slice(0, 200)}": no such object.`,
    { details: { key: key.slice(0, 200) } },
  );
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Whether `path` is a directory (unlink refuses those: EISDIR on Linux, EPERM on macOS). */
async function isDirectory(fs: LocalDiskFs, path: string): Promise<boolean> {
  return fs.stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
