import type { PartWriter } from '../parts/part-writer.js';
import type { Row, RowStream } from '../ports/row-source.js';
import type { RowEncoder } from '../writers/row-encoder.js';
import type { RunLimits, Truncation } from './limits.js';
import { loopTurns } from './loop-turns.js';

/**
 * The row path: encodes each row and hands it to the part writer, awaiting only when a part
 * reports backpressure (a per-row await would cost more than the encoding) and, between
 * batches, for an event-loop turn every few milliseconds (see {@link loopTurns}).
 */
export async function writeRows(
  stream: RowStream,
  encoder: RowEncoder,
  out: PartWriter,
  limits: RunLimits,
  signal: AbortSignal,
  transform: ((row: Row) => Row) | undefined,
): Promise<Truncation | undefined> {
  const turnIfDue = loopTurns();
  for await (const batch of stream.batches) {
    const turn = turnIfDue();
    if (turn) await turn;
    signal.throwIfAborted();
    const late = limits.checkTime(Date.now());
    if (late) return late;
    for (const sourceRow of batch) {
      const row = transform ? transform(sourceRow) : sourceRow;
      let bytes = out.stage(encoder, row);
      const limit = limits.check(out.rows, out.bytes, bytes);
      if (limit) return limit;
      if (!out.fits(bytes)) {
        await out.closePart();
        // Again, as the first row of the new part (JSON writes no separator before it).
        bytes = out.stage(encoder, row);
      }
      if (out.writeStaged()) await out.drain();
    }
  }
  signal.throwIfAborted();
  return undefined;
}
