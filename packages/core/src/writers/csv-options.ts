import { ExportkitError } from '../errors.js';
import type { CsvOptions } from '../request.js';

/**
 * Fills in every CSV option and validates it. The `'spreadsheet'` profile forces a BOM and
 * CRLF whatever else was asked, because Excel needs both to read UTF-8 text correctly.
 * Throws `INVALID_REQUEST` for a delimiter that is not exactly one character, or that is a
 * quote, CR or LF (it could not be told apart from quoting or row ends).
 */
export function resolveCsvOptions(options: CsvOptions = {}): Required<CsvOptions> {
  const profile = options.profile ?? 'rfc4180';
  if (profile !== 'rfc4180' && profile !== 'spreadsheet') {
    throw invalid(`csv.profile must be 'rfc4180' or 'spreadsheet', got ${show(profile)}`);
  }
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || isSurrogate(delimiter)) {
    throw invalid(
      `csv.delimiter must be exactly one character (for example ',', ';' or '\\t'), got ${show(delimiter)}`,
    );
  }
  if (delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw invalid(
      `csv.delimiter cannot be a double quote, CR or LF, because those mark quoting and row ends; use ',', ';' or '\\t'`,
    );
  }
  const lineEnding = options.lineEnding ?? 'crlf';
  if (lineEnding !== 'crlf' && lineEnding !== 'lf') {
    throw invalid(`csv.lineEnding must be 'crlf' or 'lf', got ${show(lineEnding)}`);
  }
  const bom = options.bom ?? false;
  const header = options.header ?? true;
  if (typeof bom !== 'boolean' || typeof header !== 'boolean') {
    throw invalid('csv.bom and csv.header must be booleans');
  }
  if (profile === 'spreadsheet') {
    return { delimiter, lineEnding: 'crlf', bom: true, header, profile };
  }
  return { delimiter, lineEnding, bom, header, profile };
}

function invalid(message: string): ExportkitError {
  return new ExportkitError('INVALID_REQUEST', `[exportkit] [csv] ${message}`, {
    details: { field: 'csv' },
  });
}

/** A lone UTF-16 surrogate cannot be written as UTF-8, so it cannot be a delimiter. */
function isSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
