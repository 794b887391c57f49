import { createReadStream } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** The part of an open file handle {@link LocalDiskFs.open} must return. */
export interface LocalDiskFileHandle {
  /** Writes `length` bytes of `buffer` from `offset`; may write fewer (the caller loops). */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  /** Flushes the file's data to the disk (fsync). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The part of `fs.Stats` the store reads. */
export interface LocalDiskStats {
  size: number;
  mtime: Date;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** The part of `fs.Dirent` the store reads. */
export interface LocalDiskDirent {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

/**
 * The filesystem calls {@link LocalDiskObjectStore} makes: a subset of `node:fs/promises` plus
 * `createReadStream`. Injectable so tests can simulate faults (disk full, permission denied)
 * that a real temp directory cannot produce on demand.
 */
export interface LocalDiskFs {
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  open(path: string, flags: string): Promise<LocalDiskFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  stat(path: string): Promise<LocalDiskStats>;
  readdir(path: string, options: { withFileTypes: true }): Promise<LocalDiskDirent[]>;
  realpath(path: string): Promise<string>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  createReadStream(path: string): Readable;
}

/** The real filesystem: `node:fs/promises` and `node:fs.createReadStream`. */
export const nodeFs: LocalDiskFs = {
  mkdir: (path, options) => fsPromises.mkdir(path, options),
  open: (path, flags) => fsPromises.open(path, flags),
  rename: (from, to) => fsPromises.rename(from, to),
  unlink: (path) => fsPromises.unlink(path),
  rmdir: (path) => fsPromises.rmdir(path),
  stat: (path) => fsPromises.stat(path),
  readdir: (path, options) => fsPromises.readdir(path, options),
  realpath: (path) => fsPromises.realpath(path),
  readFile: (path, encoding) => fsPromises.readFile(path, encoding),
  createReadStream: (path) => createReadStream(path),
};
