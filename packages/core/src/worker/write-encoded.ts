import { csvRowScanner } from '../parts/csv-row-scanner.js';
import type { PartWriter } from '../parts/part-writer.js';
import type { EncodedStream } from '../ports/row-source.js';
import type { RunLimits, Truncation } from './limits.js';

/**
 * The encoded fast path (e.g. Postgres COPY): bytes arrive already in CSV; a quote-aware
 * scanner finds row ends so parts are cut between rows, never inside a quoted newline.
 */
export async function writeEncoded(
  stream: EncodedStream,
  out: PartWriter,
  limits: RunLimits,
  signal: AbortSignal,
): Promise<Truncation | undefined> {
  const scanner = csvRowScanner();
  // The start of a row that began in an earlier chunk and has not ended yet.
  let tail: Uint8Array | undefined;
  for await (const chunk of stream.chunks) {
    signal.throwIfAborted();
    const late = limits.checkTime(Date.now());
    if (late) return late;
    const ends = scanner.scan(chunk);
    const shift = tail?.length ?? 0;
    const data = tail ? Buffer.concat([tail, chunk]) : chunk;
    let start = 0;
    for (const endInChunk of ends) {
      const end = endInChunk + shift;
      // Inlined rather than calling writeRow: an async call per row costs more than the copy.
      const limit = limits.check(out.rows, out.bytes, end - start);
      if (limit) return limit;
      if (!out.fits(end - start)) await out.closePart();
      if (out.writeRow(data.subarray(start, end), end - start)) await out.drain();
      start = end;
    }
    tail = start < data.length ? data.subarray(start) : undefined;
  }
  signal.throwIfAborted();
  // A last row without a terminator is still a row.
  return tail ? writeRow(out, limits, tail) : undefined;
}

async function writeRow(
  out: PartWriter,
  limits: RunLimits,
  row: Uint8Array,
): Promise<Truncation | undefined> {
  const limit = limits.check(out.rows, out.bytes, row.length);
  if (limit) return limit;
  if (!out.fits(row.length)) await out.closePart();
  if (out.writeRow(row, row.length)) await out.drain();
  return undefined;
}
