/** A part's bytes as `PartUpload` writes them and the store's put reads them. */
export interface PartBody extends AsyncIterable<Uint8Array> {
  /** Takes bytes; returns true when the writer should await {@link drained}. */
  push(bytes: Uint8Array): boolean;
  /** Resolves when the writer may go on (or nothing will read any more). */
  drained(): Promise<void>;
  /** No more bytes. */
  end(): void;
  /** Ends the body with `error`, so the store's put fails and leaves no object. */
  fail(error: unknown): void;
  /** True when the reader stopped before the end without an error. */
  readonly abandoned: boolean;
}

/**
 * The bytes of one part on their way to `ObjectStore.put`: pushed synchronously by the worker,
 * read once by the store as an async iterable, chunk by chunk, with backpressure by bytes
 * queued.
 *
 * Why not a `PassThrough` (with a `Transform` to hash): each chunk then passed two streams and a
 * stream's async iterator, which took the worker ~8–14% of its CPU in the 1M-row S3 bench
 * (worker-only A/B, the same bytes stored). The stream's reader also joined whatever was
 * buffered into one new buffer: a copy the S3 store, which copies every chunk into its part
 * buffers anyway, paid for nothing. A store that writes better in large pieces gathers chunks
 * itself, as the local-disk store does.
 */
export class ChunkQueue implements PartBody {
  readonly #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #abandoned = false;
  #wakeReader: (() => void) | undefined;
  #drainWaiters: (() => void)[] = [];

  /** @param highWaterMark bytes queued at which {@link push} asks the writer to wait */
  constructor(readonly highWaterMark: number) {}

  /** True when the reader stopped before the end without an error (the store gave up). */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** Queues `chunk`; returns true when the writer should await {@link drained}. */
  push(chunk: Uint8Array): boolean {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.#wake();
    return this.#bytes >= this.highWaterMark;
  }

  /** No more chunks: the reader ends once it has read those queued. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Ends the body with `error`: the reader's next read throws it. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake();
    this.#releaseWriter();
  }

  /**
   * Resolves once fewer than {@link highWaterMark} bytes are queued, or when nothing will read
   * them any more (failed, or the reader stopped), so a writer never waits for ever.
   */
  drained(): Promise<void> {
    if (this.#bytes < this.highWaterMark || this.#failure || this.#abandoned) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      for (;;) {
        if (this.#failure) throw this.#failure.error;
        const chunk = this.#chunks.shift();
        if (chunk) {
          this.#bytes -= chunk.length;
          if (this.#bytes < this.highWaterMark) this.#releaseWriter();
          yield chunk;
        } else if (this.#ended) {
          finished = true;
          return;
        } else {
          await new Promise<void>((resolve) => {
            this.#wakeReader = resolve;
          });
        }
      }
    } finally {
      if (!finished && !this.#failure) {
        this.#abandoned = true;
        this.#releaseWriter();
      }
    }
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  #releaseWriter(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
