/** Where {@link CsvRowScanner.advance} may stop early. */
export interface ScanLimits {
  /** Stop after this many row ends. @defaultValue `Infinity` */
  maxRows?: number;
  /**
   * Stop at the first row end whose offset (just after its LF) is at or past this offset in
   * the chunk: cut a part once it has reached a byte budget. @defaultValue `Infinity`
   */
  endAtOrAfter?: number;
}

/** What one {@link CsvRowScanner.advance} call found. */
export interface ScanStep {
  /** Row ends found from `from` up to `end`. */
  rows: number;
  /** Where scanning stopped: just after the last row end counted when a limit was reached, else the chunk's length. */
  end: number;
  /** True when a limit stopped the scan; continue from `end` in the same chunk. */
  limitReached: boolean;
}

const quote = 0x22;
const lf = 0x0a;
const quotes = 0x22222222;
const lfs = 0x0a0a0a0a;
const ones = 0x01010101;
const highBits = 0x80808080 | 0;

/**
 * Finds row boundaries in CSV bytes (quote character `"`, as Postgres `COPY ... CSV` writes),
 * so a byte stream can be cut into parts without splitting a row. A row ends at an LF outside
 * quotes (a CRLF ends at its LF); an LF inside a quoted field never ends a row, and the quote
 * state carries across chunks. Doubled quotes (`""`) need no special case: they close and
 * reopen the field.
 *
 * Speed: the loop reads four bytes at a time and skips every word that holds neither a quote
 * nor an LF (the "has a zero byte" bit trick), looking at bytes one by one only in the words
 * that do. On CSV rows of ~120 bytes that is 2-3x a plain byte loop (see the CSV bench).
 */
export class CsvRowScanner {
  #inQuotes = false;
  #atRowStart = true;
  #rows = 0;
  #maxRows = Number.POSITIVE_INFINITY;
  #endAtOrAfter = Number.POSITIVE_INFINITY;
  #ends: number[] | undefined;

  /** True when the bytes scanned so far end inside a quoted field. */
  get inQuotes(): boolean {
    return this.#inQuotes;
  }

  /** True when the bytes scanned so far end on a row boundary (or nothing was scanned). */
  get atRowStart(): boolean {
    return this.#atRowStart;
  }

  /** The offsets just after each row end in `chunk`, continuing the state of earlier chunks. */
  scan(chunk: Uint8Array): number[] {
    const ends: number[] = [];
    this.#ends = ends;
    this.#maxRows = Number.POSITIVE_INFINITY;
    this.#endAtOrAfter = Number.POSITIVE_INFINITY;
    this.#run(chunk, 0);
    this.#ends = undefined;
    return ends;
  }

  /**
   * Scans `chunk` from `from` until a limit is reached or the chunk ends, without allocating
   * per row. Typical use: write `chunk.subarray(from, step.end)` to the current part, and when
   * `step.limitReached`, start the next part and call again from `step.end`.
   */
  advance(chunk: Uint8Array, from = 0, limits: ScanLimits = {}): ScanStep {
    this.#maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
    this.#endAtOrAfter = limits.endAtOrAfter ?? Number.POSITIVE_INFINITY;
    if (this.#maxRows <= 0) return { rows: 0, end: from, limitReached: true };
    const stop = this.#run(chunk, from);
    return stop === -1
      ? { rows: this.#rows, end: chunk.length, limitReached: false }
      : { rows: this.#rows, end: stop, limitReached: true };
  }

  /** Forgets the quote state, for a new stream. */
  reset(): void {
    this.#inQuotes = false;
    this.#atRowStart = true;
  }

  /** Scans `chunk[from..]`; returns where a limit stopped it, or -1 at the chunk's end. */
  #run(chunk: Uint8Array, from: number): number {
    this.#rows = 0;
    if (from >= chunk.length) return -1;
    const stop = this.#words(chunk, from);
    // Inside quotes an LF does not toggle the state, so a final LF outside quotes ends a row.
    this.#atRowStart = !this.#inQuotes && chunk[(stop === -1 ? chunk.length : stop) - 1] === lf;
    return stop;
  }

  /** Head bytes to the first aligned offset, then whole words, then the tail bytes. */
  #words(chunk: Uint8Array, from: number): number {
    const length = chunk.length;
    const offset = chunk.byteOffset;
    // An Int32Array view needs a 4-byte-aligned start; bytes before it take the byte path.
    const aligned = Math.min(length, from + ((4 - ((offset + from) & 3)) & 3));
    const head = this.#bytes(chunk, from, aligned);
    if (head !== -1) return head;
    const words = (length - aligned) >>> 2;
    // A short chunk may end before the aligned offset; an empty view must still be aligned.
    if (words === 0) return this.#bytes(chunk, aligned, length);
    const view = new Int32Array(chunk.buffer, offset + aligned, words);
    const ends = this.#ends;
    const maxRows = this.#maxRows;
    const endAtOrAfter = this.#endAtOrAfter;
    let inQuotes = this.#inQuotes;
    let rows = this.#rows;
    for (let w = 0; w < words; w++) {
      const word = view[w]!;
      const q = word ^ quotes;
      const l = word ^ lfs;
      // Zero unless some byte of `q` or `l` is zero, i.e. the word holds a quote or an LF.
      if (((((q - ones) & ~q) | ((l - ones) & ~l)) & highBits) === 0) continue;
      const at = aligned + (w << 2);
      for (let i = at; i < at + 4; i++) {
        const byte = chunk[i];
        if (byte === quote) {
          inQuotes = !inQuotes;
        } else if (byte === lf && !inQuotes) {
          rows++;
          ends?.push(i + 1);
          if (rows >= maxRows || i + 1 >= endAtOrAfter) {
            this.#inQuotes = false;
            this.#rows = rows;
            return i + 1;
          }
        }
      }
    }
    this.#inQuotes = inQuotes;
    this.#rows = rows;
    return this.#bytes(chunk, aligned + (words << 2), length);
  }

  /** The byte loop for the few unaligned bytes at either end; returns where a limit stopped it, or -1. */
  #bytes(chunk: Uint8Array, from: number, to: number): number {
    let inQuotes = this.#inQuotes;
    for (let i = from; i < to; i++) {
      const byte = chunk[i];
      if (byte === quote) {
        inQuotes = !inQuotes;
      } else if (byte === lf && !inQuotes) {
        this.#rows++;
        this.#ends?.push(i + 1);
        if (this.#rows >= this.#maxRows || i + 1 >= this.#endAtOrAfter) {
          this.#inQuotes = false;
          return i + 1;
        }
      }
    }
    this.#inQuotes = inQuotes;
    return -1;
  }
}

/** A new {@link CsvRowScanner} for one byte stream. */
export function csvRowScanner(): CsvRowScanner {
  return new CsvRowScanner();
}
