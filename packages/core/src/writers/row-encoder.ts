import type { Column, Row } from '../ports/row-source.js';
import type { CsvOptions, ExportFormat } from '../request.js';
import type { ByteSink } from './byte-sink.js';

/**
 * Encodes rows for one format. Each part is a complete document:
 * `partStart + row(r, true) + row(r, false) + ... + partEnd`. The worker writes rows with
 * `encode`, as UTF-8 straight into the part's buffer; `row` gives the same row as text.
 */
export interface RowEncoder {
  readonly format: ExportFormat;
  /** Opens each part: BOM and header row for CSV, `[` for JSON, empty for NDJSON. */
  readonly partStart: string;
  /** One row with its terminator (CSV, NDJSON) or leading separator (JSON). */
  row(row: Row, firstInPart: boolean): string;
  /**
   * Writes what `row` returns, as UTF-8, into `sink` from offset `at` (reserving room as it
   * goes) and returns the offset after it.
   */
  encode(row: Row, firstInPart: boolean, sink: ByteSink, at: number): number;
  /** Closes each part: `\n]\n` for JSON, empty otherwise. */
  readonly partEnd: string;
}

/** Options for {@link RowEncoder} factories. */
export interface EncoderOptions {
  /** Fully defaulted CSV options (see `resolveCsvOptions`). */
  csv?: Required<CsvOptions>;
}

/** Signature of the encoder factory the worker uses. */
export type CreateRowEncoder = (
  format: ExportFormat,
  columns: readonly Column[],
  options: EncoderOptions,
) => RowEncoder;
