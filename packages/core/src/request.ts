/** Output formats. */
export const exportFormats = ['csv', 'ndjson', 'json'] as const;
/** One of {@link exportFormats}. */
export type ExportFormat = (typeof exportFormats)[number];

/** Compression of each part. */
export const compressions = ['none', 'gzip'] as const;
/** One of {@link compressions}. */
export type Compression = (typeof compressions)[number];

/** CSV output options. Every option changes the bytes, so every option is part of the export id. */
export interface CsvOptions {
  /** Single character between fields. @defaultValue `','` */
  delimiter?: string;
  /** Row terminator. RFC 4180 says CRLF. @defaultValue `'crlf'` */
  lineEnding?: 'crlf' | 'lf';
  /** Write a UTF-8 byte order mark first (Excel needs it to read UTF-8). @defaultValue `false` */
  bom?: boolean;
  /** Write the header row in every part. @defaultValue `true` */
  header?: boolean;
  /**
   * `'spreadsheet'` is for files opened in Excel: BOM, CRLF, text cells starting with
   * `= + - @`, tab or CR prefixed with `'` (no formula injection), parts capped at 1,048,575
   * data rows (Excel's sheet limit less the header). @defaultValue `'rfc4180'`
   */
  profile?: 'rfc4180' | 'spreadsheet';
}

/** What a caller asks for. Tenant and requester come from authentication, never from a body. */
export interface ExportRequest {
  /** A registered export type. */
  type: string;
  tenantId: string;
  /** Who asks; recorded, but not part of the export id. */
  requestedBy?: string;
  /** Type-specific filters, validated by the type's `parseFilters`. @defaultValue `{}` */
  filters?: Record<string, unknown>;
  /** @defaultValue `'csv'` */
  format?: ExportFormat;
  /** @defaultValue `'none'` */
  compression?: Compression;
  /** A subset of the type's columns, in output order. @defaultValue all of the type's columns */
  columns?: string[];
  /** CSV options; ignored for other formats. */
  csv?: CsvOptions;
}

/**
 * Everything that decides the bytes written, with defaults filled in; its stable JSON is
 * hashed into the export id.
 */
export interface CanonicalRequest {
  /** Bumped when the meaning of any field changes, so old ids never alias new output. */
  schemaVersion: 1;
  type: string;
  /** The export type's own version; bump it when its query or columns change. */
  typeVersion: string;
  tenantId: string;
  filters: Record<string, unknown>;
  format: ExportFormat;
  compression: Compression;
  columns: string[];
  /** Present only for CSV. */
  csv?: Required<CsvOptions>;
  /** Part sizing and limits change which bytes land in which part, so they are hashed too. */
  output: {
    maxRowsPerPart: number;
    maxBytesPerPart: number;
    maxRows?: number;
    maxBytes?: number;
    onLimit: 'fail' | 'truncate';
    gzipLevel: number;
  };
}
