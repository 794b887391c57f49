import { PassThrough, pipeline, Transform } from 'node:stream';
import type { Gzip } from 'node:zlib';
import { createGzipStream } from '../writers/gzip-stream.js';
import type { PartBody } from './chunk-queue.js';

/**
 * A part's body gzipped on its way to the store: bytes pushed into zlib, its output handed to
 * `onOutput` (to hash and count what is stored) and read by the store from a `PassThrough` of
 * `highWaterMark` bytes. Compression runs on libuv's pool, so it stays a stream.
 */
export class GzipBody implements PartBody {
  readonly #gzip: Gzip;
  readonly #output: PassThrough;

  /** @param onError called with the pipeline's error, if it fails */
  constructor(
    level: number,
    highWaterMark: number,
    onOutput: (bytes: Uint8Array) => void,
    onError: (error: unknown) => void,
  ) {
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        onOutput(chunk);
        callback(null, chunk);
      },
    });
    this.#gzip = createGzipStream(level);
    this.#output = new PassThrough({ highWaterMark });
    pipeline(this.#gzip, counter, this.#output, (error) => error && onError(error));
  }

  /** A stream reports a reader that stops early as a pipeline error, never like this. */
  readonly abandoned = false;

  push(bytes: Uint8Array): boolean {
    return !this.#gzip.write(bytes);
  }

  end(): void {
    this.#gzip.end();
  }

  fail(error: unknown): void {
    this.#gzip.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  /** Resolves on zlib's `drain`, or once it closed (ended or failed). */
  async drained(): Promise<void> {
    const gzip = this.#gzip;
    if (!gzip.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        gzip.off('drain', done);
        gzip.off('close', done);
        resolve();
      };
      gzip.on('drain', done);
      gzip.on('close', done);
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#output[Symbol.asyncIterator]();
  }
}
