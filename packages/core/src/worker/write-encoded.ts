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
  // The start of a row that began in an earlier chunk and has not ended yet, in pieces: joined
  // once the row ends, so a row spanning many chunks is copied once, and a chunk never is.
  let tail: Uint8Array[] = [];
  for await (const chunk of stream.chunks) {
    signal.throwIfAborted();
    const late = limits.checkTime(Date.now());
    if (late) return late;
    const ends = scanner.scan(chunk);
    if (ends.length === 0) {
      tail.push(chunk);
      continue;
    }
    let start = 0;
    let next = 0;
    if (tail.length > 0) {
      start = ends[next++] as number;
      tail.push(chunk.subarray(0, start));
      const truncated = await writeRow(out, limits, Buffer.concat(tail));
      tail = [];
      if (truncated) return truncated;
    }
    // Rows are checked one by one but written in runs: a slice and a write per row cost more
    // than the rows' bytes (a run is usually the whole chunk).
    let runStart = start;
    let runRows = 0;
    for (; next < ends.length; next++) {
      const end = ends[next] as number;
      const bytes = end - start;
      const limit = limits.check(out.rows + runRows, out.bytes + (start - runStart), bytes);
      if (limit) {
        if (runRows > 0) out.writeRows(chunk.subarray(runStart, start), start - runStart, runRows);
        return limit;
      }
      if (!out.fitsAfter(runRows, start - runStart, bytes)) {
        if (
          runRows > 0 &&
          out.writeRows(chunk.subarray(runStart, start), start - runStart, runRows)
        )
          await out.drain();
        await out.closePart();
        runStart = start;
        runRows = 0;
      }
      if (runRows === 0) out.ensureOpen();
      runRows++;
      start = end;
    }
    if (runRows > 0 && out.writeRows(chunk.subarray(runStart, start), start - runStart, runRows))
      await out.drain();
    if (start < chunk.length) tail.push(chunk.subarray(start));
  }
  signal.throwIfAborted();
  // A last row without a terminator is still a row.
  return tail.length > 0 ? writeRow(out, limits, Buffer.concat(tail)) : undefined;
}

async function writeRow(
  out: PartWriter,
  limits: RunLimits,
  row: Uint8Array,
): Promise<Truncation | undefined> {
  const limit = limits.check(out.rows, out.bytes, row.length);
  if (limit) return limit;
  if (!out.fits(row.length)) await out.closePart();
  if (out.writeRow(row)) await out.drain();
  return undefined;
}
