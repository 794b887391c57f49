import type { Column, Row } from '../ports/row-source.js';
import type { CsvOptions } from '../request.js';
import type { RowEncoder } from './row-encoder.js';
import { isoDate, serializeCsvValue } from './serialize-value.js';

/** The UTF-8 byte order mark, as the one UTF-16 unit that encodes to it. */
const bom = '\uFEFF';

/**
 * First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"):
 * `= + - @`, tab, CR, and their full-width forms, which Apple Numbers folds into the ASCII ones.
 */
const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A plain decimal number: safe in a spreadsheet even though it may start with `-` or `+`. */
const plainNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Every character that text made from a number, bigint, boolean, date or base64 can hold. */
const scalarTextChars = /[0-9A-Za-z+\-./:=]/;

const quoteChars = /"/g;

/**
 * An RFC 4180 encoder: a field is quoted only when it holds the delimiter, a quote, CR or LF,
 * and inner quotes are doubled. Two additions: an empty string is written `""` and null as an
 * empty field, so the two stay apart (as Postgres `COPY ... CSV` reads and writes them); and the
 * empty field of a one-column row is written `""`, since readers such as pandas skip blank
 * lines and the row would vanish. Values follow
 * {@link serializeCsvValue}. In the `'spreadsheet'` profile a text value (not a number,
 * bigint, date or boolean) starting with a formula character is prefixed with `'`; text in a
 * `number`/`bigint`/`decimal` column that is a plain number is left alone, so negative
 * amounts stay numbers.
 */
export function createCsvEncoder(
  columns: readonly Column[],
  csv: Required<CsvOptions>,
): RowEncoder {
  const state = compile(columns, csv);
  const names = columns.map((c) => encodeText(c.name, state, false)).join(csv.delimiter);
  const header = csv.header
    ? (names === '' && columns.length === 1 ? '""' : names) + state.eol
    : '';
  return {
    format: 'csv',
    partStart: (csv.bom ? bom : '') + header,
    row: state.scalarsNeverQuoted ? (r) => fastRow(r, state) : (r) => checkedRow(r, state),
    partEnd: '',
  };
}

/** Everything the row functions need, computed once per encoder. */
interface CsvState {
  readonly columns: readonly Column[];
  readonly count: number;
  readonly delimiter: string;
  readonly eol: string;
  /** Matches text that must be quoted: the delimiter, a quote, CR or LF. */
  readonly needsQuotes: RegExp;
  /** False when the delimiter is a character numbers or dates can hold (e.g. `.`). */
  readonly scalarsNeverQuoted: boolean;
  /** Per column: text that is a plain number is exempt from formula neutralisation. */
  readonly numericText: readonly boolean[];
  readonly neutralize: boolean;
}

function compile(columns: readonly Column[], csv: Required<CsvOptions>): CsvState {
  const escaped = csv.delimiter.replace(/[\\\]^-]/g, '\\$&');
  return {
    columns,
    count: columns.length,
    delimiter: csv.delimiter,
    eol: csv.lineEnding === 'lf' ? '\n' : '\r\n',
    needsQuotes: new RegExp(`[${escaped}"\\r\\n]`),
    scalarsNeverQuoted: !scalarTextChars.test(csv.delimiter),
    numericText: columns.map(
      (c) => c.type === 'number' || c.type === 'bigint' || c.type === 'decimal',
    ),
    neutralize: csv.profile === 'spreadsheet',
  };
}

/*
 * The row functions are the hot loop of every CSV export. `fastRow` inlines every common type
 * for the usual delimiters, whose text numbers, dates, booleans and bigints never hold, so
 * only strings and objects are checked for quoting. String concatenation builds V8 ropes,
 * measured faster here than collecting fields in an array and joining them.
 */

function fastRow(row: Row, s: CsvState): string {
  const { needsQuotes, delimiter, neutralize } = s;
  let out = '';
  for (let i = 0; i < s.count; i++) {
    if (i !== 0) out += delimiter;
    const value = row[i];
    switch (typeof value) {
      case 'string':
        if (neutralize || value === '') out += encodeText(value, s, s.numericText[i] === true);
        else out += needsQuotes.test(value) ? quote(value) : value;
        break;
      case 'number':
      case 'bigint':
        out += value;
        break;
      case 'boolean':
        out += value ? 'true' : 'false';
        break;
      case 'undefined':
        break;
      default:
        if (value instanceof Date) out += isoDate(value, s.columns[i]);
        else if (value !== null) out += encodeField(value, i, s);
    }
  }
  return out === '' && s.count === 1 ? `""${s.eol}` : out + s.eol;
}

/** For a delimiter that text of numbers or dates can hold (e.g. `.`): every field is checked. */
function checkedRow(row: Row, s: CsvState): string {
  let out = '';
  for (let i = 0; i < s.count; i++) {
    if (i !== 0) out += s.delimiter;
    const value = row[i];
    if (value !== null && value !== undefined) out += encodeField(value, i, s);
  }
  return out === '' && s.count === 1 ? `""${s.eol}` : out + s.eol;
}

/** Any value through the contract; numbers, bigints, dates and booleans are never neutralised. */
function encodeField(value: unknown, index: number, s: CsvState): string {
  const text = serializeCsvValue(value, s.columns[index]);
  if (text === '') return '""'; // an empty string or zero bytes: present, unlike null
  if (typeof value === 'string') return encodeText(text, s, s.numericText[index] === true);
  if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    // Objects are text: JSON, or a `toJSON` result such as a decimal library's "-1.50".
    return encodeText(text, s, true);
  }
  return s.needsQuotes.test(text) ? quote(text) : text;
}

/** Text from a string value or header: neutralised (spreadsheet profile), then quoted as needed. */
function encodeText(text: string, s: CsvState, numericOk: boolean): string {
  if (text === '') return '""';
  let field = text;
  if (s.neutralize && formulaStart.test(field) && !(numericOk && plainNumber.test(field))) {
    field = `'${field}`;
  }
  return s.needsQuotes.test(field) ? quote(field) : field;
}

function quote(text: string): string {
  return `"${text.replace(quoteChars, '""')}"`;
}
