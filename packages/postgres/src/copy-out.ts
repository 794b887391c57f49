/** Backend message types (PostgreSQL protocol, "Message Formats"). */
const CopyData = 0x64; // d
const CopyDone = 0x63; // c
const CopyOutResponse = 0x48; // H
const NoticeResponse = 0x4e; // N
const ParameterStatus = 0x53; // S
const NotificationResponse = 0x41; // A

/** Socket bytes queued for the consumer before the socket is paused. */
const highWaterBytes = 512 * 1024;

/** The part of `pg`'s Connection this reader uses: its socket and the simple-query call. */
interface ConnectionLike {
  stream: NodeJS.ReadableStream & {
    listeners(event: 'data'): ((chunk: Buffer) => void)[];
  };
  query(text: string): void;
}

/**
 * `COPY ... TO STDOUT` read straight off the connection's socket, as pg-copy-streams does, but
 * without copying: each CopyData message's header (5 bytes a row) is squeezed out of the
 * socket's own buffer in place, and the buffer is handed on as one chunk. pg-copy-streams
 * sliced every row into a Buffer object of its own and then joined each read's rows into a new
 * buffer, so every byte was held twice until the next GC.
 *
 * The socket is taken from `pg`'s parser when the query is submitted and given back, with any
 * bytes after the COPY, at CopyDone or at an ErrorResponse; `pg` then reads the rest (the
 * error, CommandComplete, ReadyForQuery) and reports it to this query through `handleError`
 * and `handleReadyForQuery`. Notices and parameter changes during the COPY are skipped.
 *
 * Submit it with `client.query(copyOut)` and read {@link chunks} once.
 */
export class CopyOut {
  #connection: ConnectionLike | undefined;
  #pgOnData: ((chunk: Buffer) => void) | undefined;
  #paused = false;
  readonly #queue: Buffer[] = [];
  #queuedBytes = 0;
  #done = false;
  #error: unknown;
  #wake: (() => void) | undefined;
  // Where the parser is: the type of the message being read (-1 between messages), how many
  // bytes of its 4-byte length are read, and how many of its body are left.
  #type = -1;
  #lengthBytes = 0;
  #length = 0;
  #left = 0;

  /**
   * Set by `pg` when the pool has a `query_timeout`; called once the query is over, so that
   * `pg` clears its timer.
   */
  callback: ((error: unknown) => void) | undefined;

  constructor(readonly text: string) {}

  /**
   * Called by `pg` when this query's turn comes. An error returned is reported back to this
   * query through `handleError` (pg's contract for submittables).
   */
  submit(connection: ConnectionLike): Error | undefined {
    const stream = connection.stream;
    const [pgOnData, ...others] = stream?.listeners('data') ?? [];
    if (!pgOnData || others.length > 0) {
      return new Error(
        "CopyOut: the COPY path reads pg's socket itself and found another reader of it (or no socket: pg-native); set copy: false on the row source",
      );
    }
    this.#connection = connection;
    this.#pgOnData = pgOnData;
    stream.removeListener('data', pgOnData);
    stream.on('data', this.#onData);
    connection.query(this.text);
    return undefined;
  }

  /** The COPY's bytes, chunk by chunk; throws what the server or the connection reported. */
  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const chunk = this.#queue.shift();
      if (chunk) {
        this.#queuedBytes -= chunk.length;
        if (this.#paused && this.#queuedBytes < highWaterBytes) this.#resume();
        yield chunk;
      } else if (this.#done) return;
      else await new Promise<void>((wake) => (this.#wake = wake));
    }
  }

  /** Called by `pg` for an ErrorResponse, or when the connection ends or fails. */
  handleError(error: unknown): void {
    this.#error ??= error;
    this.#release();
    this.#settle();
  }

  /** Called by `pg` for the COPY's CommandComplete. */
  handleCommandComplete(): void {}

  /** Called by `pg` when the server is ready for the next query: this one is over. */
  handleReadyForQuery(): void {
    this.#done = true;
    this.#settle();
  }

  readonly #onData = (chunk: Buffer): void => {
    let at = 0;
    let out = 0;
    while (at < chunk.length) {
      if (this.#type === -1) {
        const type = chunk[at] as number;
        if (!readByCopyOut(type)) {
          this.#giveBack(chunk, at, out);
          return;
        }
        this.#type = type;
        this.#lengthBytes = 0;
        this.#length = 0;
        at++;
      }
      while (this.#lengthBytes < 4 && at < chunk.length) {
        this.#length = this.#length * 256 + (chunk[at++] as number);
        // A length below 4 breaks the protocol; reading on keeps the loop finite.
        if (++this.#lengthBytes === 4) this.#left = Math.max(0, this.#length - 4);
      }
      if (this.#lengthBytes < 4) break;
      const n = Math.min(this.#left, chunk.length - at);
      // The body moves left over the headers before it; `out` never passes `at`.
      if (this.#type === CopyData && n > 0) {
        if (out !== at) chunk.copyWithin(out, at, at + n);
        out += n;
      }
      at += n;
      this.#left -= n;
      if (this.#left === 0) {
        const ended = this.#type === CopyDone;
        this.#type = -1;
        if (ended) {
          this.#giveBack(chunk, at, out);
          return;
        }
      }
    }
    this.#push(chunk, out);
  };

  /** Queues the first `end` bytes of `chunk` (the rows' bytes squeezed together). */
  #push(chunk: Buffer, end: number): void {
    if (end === 0) return;
    this.#queue.push(end === chunk.length ? chunk : chunk.subarray(0, end));
    this.#queuedBytes += end;
    if (this.#queuedBytes >= highWaterBytes && !this.#paused) {
      this.#paused = true;
      this.#connection?.stream.pause();
    }
    this.#notify();
  }

  /** Ends the COPY's share of the socket: `chunk` from `at` on belongs to `pg` again. */
  #giveBack(chunk: Buffer, at: number, out: number): void {
    this.#push(chunk, out);
    const pgOnData = this.#pgOnData;
    this.#release();
    if (pgOnData && at < chunk.length) pgOnData(chunk.subarray(at));
  }

  /** Gives the socket back to `pg`'s parser. */
  #release(): void {
    const connection = this.#connection;
    const pgOnData = this.#pgOnData;
    if (!connection || !pgOnData) return;
    this.#connection = undefined;
    this.#pgOnData = undefined;
    connection.stream.removeListener('data', this.#onData);
    connection.stream.on('data', pgOnData);
    // pg must read on even if the consumer had paused the socket and stopped reading.
    if (this.#paused) {
      this.#paused = false;
      process.nextTick(() => connection.stream.resume());
    }
  }

  #resume(): void {
    this.#paused = false;
    this.#connection?.stream.resume();
  }

  #settle(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(this.#error ?? null);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * The messages this reader consumes: CopyData (passed on), and CopyOutResponse, CopyDone and
 * what the server may send between rows (notices, parameter changes, notifications), read past.
 */
function readByCopyOut(type: number): boolean {
  return (
    type === CopyData ||
    type === CopyDone ||
    type === CopyOutResponse ||
    type === NoticeResponse ||
    type === ParameterStatus ||
    type === NotificationResponse
  );
}
