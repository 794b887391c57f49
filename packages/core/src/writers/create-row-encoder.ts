import { ExportkitError } from '../errors.js';
import { createCsvEncoder } from './csv-encoder.js';
import { resolveCsvOptions } from './csv-options.js';
import { createJsonEncoder, createNdjsonEncoder } from './json-encoder.js';
import type { CreateRowEncoder, RowEncoder } from './row-encoder.js';

/**
 * The encoder factory the worker uses. CSV options are resolved here when the caller passed
 * none, so `createRowEncoder('csv', columns, {})` writes RFC 4180 with a header and CRLF.
 * Throws `UNSUPPORTED_FORMAT` for a format it does not know.
 */
export const createRowEncoder: CreateRowEncoder = (format, columns, options): RowEncoder => {
  switch (format) {
    case 'csv':
      return createCsvEncoder(columns, options.csv ?? resolveCsvOptions());
    case 'ndjson':
      return createNdjsonEncoder(columns);
    case 'json':
      return createJsonEncoder(columns);
    default:
      throw new ExportkitError(
        'UNSUPPORTED_FORMAT',
        `[exportkit] [writer] unknown format ${JSON.stringify(format)}; use 'csv', 'ndjson' or 'json'`,
        { details: { format } },
      );
  }
};
