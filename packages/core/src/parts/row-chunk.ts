import type { Row } from '../ports/row-source.js';
import type { ByteSink } from '../writers/byte-sink.js';
import type { RowEncoder } from '../writers/row-encoder.js';

/** Room past the chunk size, so the row that crosses it rarely needs a bigger buffer. */
const rowRoom = 16 * 1024;

/**
 * Encoded rows gathered into one chunk of bytes. A row is first *staged*: encoded after the
 * committed bytes, which tells its exact length. Only `commit` makes it part of the chunk, so
 * a caller can still decide the row belongs in the next part.
 *
 * Why bytes: measuring each row as text (`Buffer.byteLength`) and converting batched text
 * later (`Buffer.from`) walked every row twice more, 21% of a 1M-row export's CPU; encoders now
 * write UTF-8 here directly (see `RowEncoder.encode`).
 *
 * Why a fresh buffer per chunk rather than slices of a larger slab: a chunk is gone a moment
 * after it is taken (stored, or copied into an upload's part buffer), so its buffer dies in the
 * young generation and the next scavenge frees it. Slices of a 1 MiB slab kept each slab alive
 * across scavenges until V8 promoted it; promoted buffers wait for a full GC, which V8 starts
 * only once ~64 MB of them pile up: 52–59 MB of the 1M-row S3 bench's peak ArrayBuffer memory
 * and ~0.5 s of its CPU.
 */
export class RowChunk implements ByteSink {
  buffer: Buffer;
  #used = 0;
  #staged = 0;
  readonly #bufferBytes: number;

  /** @param chunkBytes the size at which the caller takes chunks */
  constructor(chunkBytes: number) {
    this.#bufferBytes = chunkBytes + rowRoom;
    this.buffer = Buffer.allocUnsafeSlow(this.#bufferBytes);
  }

  /** Committed bytes, not yet taken. */
  get bytes(): number {
    return this.#used;
  }

  /** Length of the row staged last (0 once committed or taken). */
  get staged(): number {
    return this.#staged;
  }

  /** Encodes `row` after the committed bytes, replacing any staged row; returns its length. */
  stage(encoder: RowEncoder, row: Row, firstInPart: boolean): number {
    this.#staged = encoder.encode(row, firstInPart, this, this.#used) - this.#used;
    return this.#staged;
  }

  /** Makes the staged row part of the chunk. */
  commit(): void {
    this.#used += this.#staged;
    this.#staged = 0;
  }

  /** The committed bytes (or `undefined` when there are none); the chunk starts empty again. */
  take(): Uint8Array | undefined {
    if (this.#used === 0) return undefined;
    const chunk = this.buffer.subarray(0, this.#used);
    // The taken bytes are never written again: the next chunk gets a buffer of its own.
    this.buffer = Buffer.allocUnsafeSlow(this.#bufferBytes);
    this.#used = 0;
    this.#staged = 0;
    return chunk;
  }

  /** For encoders: room for `bytes` more from `at`, in a larger buffer when this one is short. */
  reserve(at: number, bytes: number): Buffer {
    if (this.buffer.length - at >= bytes) return this.buffer;
    // Doubling: a row far longer than a chunk (a huge text field) is copied a few times, not
    // once per field.
    const next = Buffer.allocUnsafeSlow(Math.max(this.#bufferBytes, 2 * (at + bytes)));
    this.buffer.copy(next, 0, 0, at);
    this.buffer = next;
    return next;
  }
}
