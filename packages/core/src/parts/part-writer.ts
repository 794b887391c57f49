import type { ManifestPart } from '../manifest.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Row } from '../ports/row-source.js';
import type { RowEncoder } from '../writers/row-encoder.js';
import { chunkBytes, PartUpload } from './part-upload.js';
import { RowChunk } from './row-chunk.js';

/** Options for {@link PartWriter}. */
export interface PartWriterOptions {
  store: ObjectStore;
  /** Folder of this run, ending in `/`. */
  runPrefix: string;
  /** File extension of each part, e.g. `csv.gz`. */
  extension: string;
  contentType: string;
  gzipLevel: number | undefined;
  /** Opens every part (BOM + header, `[`). */
  partStart: string;
  /** Closes every part (`\n]\n`). */
  partEnd: string;
  maxRowsPerPart: number;
  /** Uncompressed bytes, counting partStart and partEnd. */
  maxBytesPerPart: number;
  signal: AbortSignal;
}

/**
 * Writes a run's rows into numbered parts, cutting only between rows: a new part begins when
 * the next row would pass `maxRowsPerPart` or `maxBytesPerPart` (a single row larger than the
 * byte limit gets a part of its own). Each part repeats `partStart`, so each is a complete file.
 */
export class PartWriter {
  readonly parts: ManifestPart[] = [];
  /** Data rows written in all parts. */
  rows = 0;
  /** Uncompressed bytes written in all parts. */
  bytes = 0;
  #current: PartUpload | undefined;
  #rowsInPart = 0;
  #bytesInPart = 0;
  readonly #chunk = new RowChunk(chunkBytes);
  readonly #partStart: Uint8Array;
  readonly #partEnd: Uint8Array;
  readonly #options: PartWriterOptions;

  constructor(options: PartWriterOptions) {
    this.#options = options;
    this.#partStart = Buffer.from(options.partStart);
    this.#partEnd = Buffer.from(options.partEnd);
  }

  /** True when the next row written goes first in its part (JSON writes no separator then). */
  get atPartStart(): boolean {
    return this.#rowsInPart === 0;
  }

  /** Whether a row of `bytes` fits in the current part. */
  fits(bytes: number): boolean {
    if (this.#rowsInPart === 0) return true;
    return (
      this.#rowsInPart < this.#options.maxRowsPerPart &&
      this.#bytesInPart + bytes + this.#partEnd.length <= this.#options.maxBytesPerPart
    );
  }

  /**
   * Whether one more row of `bytes` fits in the current part once `pendingRows` rows of
   * `pendingBytes` (checked one by one, not yet written) are in it. Lets the encoded path check
   * rows one at a time and write them in runs.
   */
  fitsAfter(pendingRows: number, pendingBytes: number, bytes: number): boolean {
    const rows = this.#rowsInPart + pendingRows;
    if (rows === 0) return true;
    return (
      rows < this.#options.maxRowsPerPart &&
      this.#bytesInPart + pendingBytes + bytes + this.#partEnd.length <=
        this.#options.maxBytesPerPart
    );
  }

  /**
   * Opens the part the next rows go into, if none is open, as writing a row would: call it
   * before the first row of a run, so the run's later checks count the part's `partStart`.
   */
  ensureOpen(): void {
    if (!this.#current) this.#open();
  }

  /**
   * Writes `rows` whole encoded rows of `bytes` bytes in one piece into the part opened by
   * {@link ensureOpen}, each row checked with {@link fitsAfter} first. Returns true when the
   * caller should `await drain()`.
   */
  writeRows(data: Uint8Array, bytes: number, rows: number): boolean {
    const part = this.#current ?? this.#open();
    this.#count(bytes, rows);
    return part.writeBytes(data);
  }

  /** Writes one encoded row, as {@link writeRows} does, opening a new part first when it does not fit. */
  writeRow(row: Uint8Array): boolean {
    const part = this.#partFor(row.length);
    this.#count(row.length, 1);
    return part.writeBytes(row);
  }

  /**
   * Encodes one row into the writer's buffer without writing it, as the first of its part
   * when {@link atPartStart}, and returns its length in bytes, for the caller to check against
   * the limits and {@link fits} before {@link writeStaged}. Staging again replaces it.
   */
  stage(encoder: RowEncoder, row: Row): number {
    return this.#chunk.stage(encoder, row, this.atPartStart);
  }

  /**
   * Writes the row last staged, opening a new part first when none is open. Returns true when
   * the caller should `await drain()`.
   */
  writeStaged(): boolean {
    const bytes = this.#chunk.staged;
    const part = this.#partFor(bytes);
    this.#chunk.commit();
    this.#count(bytes, 1);
    return this.#chunk.bytes >= chunkBytes && this.#flushChunk(part);
  }

  /** Resolves when the current part has room for more. */
  async drain(): Promise<void> {
    await this.#current?.drain();
  }

  /** Closes the current part, if any, and records it. */
  async closePart(): Promise<void> {
    const part = this.#current;
    if (!part) return;
    this.#current = undefined;
    this.#flushChunk(part);
    if (this.#partEnd.length > 0) part.writeBytes(this.#partEnd);
    const uploaded = await part.finish();
    this.parts.push({ index: this.parts.length + 1, rows: this.#rowsInPart, ...uploaded });
    this.#rowsInPart = 0;
    this.#bytesInPart = 0;
  }

  /** Closes the last part; an export with no rows still gets one part holding the header. */
  async finish(): Promise<ManifestPart[]> {
    if (this.parts.length === 0 && this.#current === undefined) this.#open();
    await this.closePart();
    return this.parts;
  }

  /** Abandons the part in progress (no partial object is left) and waits for its put to settle. */
  async abort(reason: unknown): Promise<void> {
    const part = this.#current;
    this.#current = undefined;
    await part?.abort(reason);
  }

  #partFor(bytes: number): PartUpload {
    if (this.#current && !this.fits(bytes)) {
      throw new Error('PartWriter: call closePart() before writing a row that does not fit');
    }
    return this.#current ?? this.#open();
  }

  #count(bytes: number, rows: number): void {
    this.#rowsInPart += rows;
    this.#bytesInPart += bytes;
    this.rows += rows;
    this.bytes += bytes;
  }

  #open(): PartUpload {
    const { runPrefix, extension, store, contentType, gzipLevel, signal } = this.#options;
    const index = this.parts.length + 1;
    const part = new PartUpload({
      store,
      key: `${runPrefix}part-${String(index).padStart(5, '0')}.${extension}`,
      contentType,
      gzipLevel,
      signal,
    });
    this.#current = part;
    this.#bytesInPart = this.#partStart.length;
    this.bytes += this.#partStart.length;
    if (this.#partStart.length > 0) part.writeBytes(this.#partStart);
    return part;
  }

  /** Hands the committed rows to `part`; returns true when the caller should `await drain()`. */
  #flushChunk(part: PartUpload): boolean {
    const chunk = this.#chunk.take();
    return chunk !== undefined && part.writeBytes(chunk);
  }
}
