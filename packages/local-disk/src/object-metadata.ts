import { basename, dirname, join } from 'node:path';
import type { LocalDiskFs } from './fs-like.js';
import { metadataDirName } from './key-path.js';

/** The content type `head` reports for an object put without one (the port's default). */
export const defaultContentType = 'application/octet-stream';

/** What the store keeps beside an object; written only when it differs from the defaults. */
export interface ObjectMetadata {
  contentType: string;
}

/**
 * Where the metadata of the object at `objectPath` lives: `{dir}/.exportkit-meta/{name}`. A
 * sibling directory (rather than a `{name}.meta` file) keeps the name length of the object's
 * own file, so any key segment the filesystem accepts also has room for its metadata.
 */
export function metadataPath(objectPath: string): string {
  return join(dirname(objectPath), metadataDirName, basename(objectPath));
}

/** The metadata JSON as bytes, ready for an atomic write. */
export function encodeMetadata(metadata: ObjectMetadata): string {
  return JSON.stringify(metadata);
}

/**
 * The content type stored for the object at `objectPath`, or the default when it has no
 * metadata file. A missing or unreadable metadata file never hides the object itself.
 */
export async function readContentType(fs: LocalDiskFs, objectPath: string): Promise<string> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(metadataPath(objectPath), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'contentType' in parsed) {
      if (typeof parsed.contentType === 'string') return parsed.contentType;
    }
  } catch {
    // No metadata file (the common case) or a damaged one: fall back to the default.
  }
  return defaultContentType;
}
