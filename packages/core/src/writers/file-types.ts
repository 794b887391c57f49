import type { Compression, ExportFormat } from '../request.js';

/** The file extension of a part, without the leading dot: `csv`, `ndjson`, `json`, plus `.gz`. */
export function fileExtension(format: ExportFormat, compression: Compression = 'none'): string {
  return compression === 'gzip' ? `${format}.gz` : format;
}

/**
 * The content type a part is stored with. A gzip part is stored as `application/gzip` (not as
 * the text type with `Content-Encoding: gzip`), so browsers save the `.gz` file as downloaded
 * instead of unpacking it under a `.gz` name.
 */
export function contentType(format: ExportFormat, compression: Compression = 'none'): string {
  if (compression === 'gzip') return 'application/gzip';
  switch (format) {
    case 'csv':
      return 'text/csv; charset=utf-8';
    case 'ndjson':
      return 'application/x-ndjson; charset=utf-8';
    case 'json':
      return 'application/json; charset=utf-8';
  }
}
