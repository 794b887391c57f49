import type { Column, Row } from '../ports/row-source.js';
import type { CsvOptions } from '../request.js';
import {
  type ByteSink,
  type EncodeRow,
  maxBytesPerUnit,
  room,
  textOf,
  writeBytes,
  writeUtf8,
} from './byte-sink.js';
import { writeIsoDate } from './iso-date.js';
import { writeInteger, writeNumber } from './number-bytes.js';
import type { RowEncoder } from './row-encoder.js';
import { serializeCsvValue, validTime } from './serialize-value.js';

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
  const header = csv.header ? textOf(headerRow)(state, true) : '';
  const encode: EncodeRow<Row> = state.scalarsNeverQuoted
    ? (r, _first, sink, at) => fastRow(r, state, sink, at)
    : (r, _first, sink, at) => checkedRow(r, state, sink, at);
  return {
    format: 'csv',
    partStart: (csv.bom ? bom : '') + header,
    encode,
    row: textOf(encode),
    partEnd: '',
  };
}

/** Everything the row functions need, computed once per encoder. */
interface CsvState {
  readonly columns: readonly Column[];
  readonly count: number;
  readonly delimiter: string;
  /** The delimiter's UTF-16 unit, as text fields are scanned for it. */
  readonly delimiterUnit: number;
  readonly delimiterBytes: Uint8Array;
  readonly crlf: boolean;
  /** False when the delimiter is a character numbers or dates can hold (e.g. `.`). */
  readonly scalarsNeverQuoted: boolean;
  /** Per column: text that is a plain number is exempt from formula neutralisation. */
  readonly numericText: readonly boolean[];
  readonly neutralize: boolean;
}

function compile(columns: readonly Column[], csv: Required<CsvOptions>): CsvState {
  return {
    columns,
    count: columns.length,
    delimiter: csv.delimiter,
    delimiterUnit: csv.delimiter.charCodeAt(0),
    delimiterBytes: Buffer.from(csv.delimiter),
    crlf: csv.lineEnding !== 'lf',
    scalarsNeverQuoted: !scalarTextChars.test(csv.delimiter),
    numericText: columns.map(
      (c) => c.type === 'number' || c.type === 'bigint' || c.type === 'decimal',
    ),
    neutralize: csv.profile === 'spreadsheet',
  };
}

/**
 * Room reserved before each field: the delimiter (at most 3 bytes) and any value but text,
 * whose room is reserved by length: an ISO date takes at most 27 bytes, `String(number)` 25.
 */
const fieldRoom = 32;

/*
 * The row functions are the hot loop of every CSV export. They write UTF-8 straight into the
 * part's buffer: building a row string and encoding it (`Buffer#write`) cost twice as much,
 * in ropes to allocate and flatten and a native call per row. `fastRow` inlines every common
 * type for the usual delimiters, whose text numbers, dates, booleans and bigints never hold,
 * so only strings and objects are checked for quoting.
 */

function fastRow(row: Row, s: CsvState, sink: ByteSink, at: number): number {
  let buf = sink.buffer;
  let pos = at;
  for (let i = 0; i < s.count; i++) {
    if (buf.length - pos < fieldRoom) buf = sink.reserve(pos, fieldRoom);
    if (i !== 0) pos = writeBytes(buf, pos, s.delimiterBytes);
    const value = row[i];
    switch (typeof value) {
      case 'string': {
        const text = s.neutralize ? neutralized(value, s.numericText[i] === true) : value;
        buf = room(sink, buf, pos, textRoom(text));
        pos = writeTextField(buf, pos, text, s);
        break;
      }
      case 'number':
        pos = writeNumber(buf, pos, value);
        break;
      case 'bigint': {
        // Most bigints (int8 ids, counters) fit a double exactly, and digits are cheaper so.
        const n = Number(value);
        if (Number.isSafeInteger(n)) {
          pos = writeInteger(buf, pos, n);
          break;
        }
        const text = value.toString();
        buf = room(sink, buf, pos, text.length);
        pos = writeUtf8(buf, pos, text);
        break;
      }
      case 'boolean':
        pos = writeUtf8(buf, pos, value ? 'true' : 'false');
        break;
      case 'undefined':
        break;
      default:
        if (value instanceof Date) {
          pos = writeIsoDate(buf, pos, validTime(value, s.columns[i]));
        } else if (value !== null) {
          const text = fieldText(value, i, s);
          buf = room(sink, buf, pos, textRoom(text));
          pos = writeTextField(buf, pos, text, s);
        }
    }
  }
  return endRow(sink, buf, pos, pos === at, s);
}

/** For a delimiter that text of numbers or dates can hold (e.g. `.`): every field is checked. */
function checkedRow(row: Row, s: CsvState, sink: ByteSink, at: number): number {
  let buf = sink.buffer;
  let pos = at;
  for (let i = 0; i < s.count; i++) {
    const value = row[i];
    const text = value === null || value === undefined ? undefined : fieldText(value, i, s);
    buf = room(sink, buf, pos, fieldRoom + (text === undefined ? 0 : textRoom(text)));
    if (i !== 0) pos = writeBytes(buf, pos, s.delimiterBytes);
    if (text !== undefined) pos = writeTextField(buf, pos, text, s);
  }
  return endRow(sink, buf, pos, pos === at, s);
}

/** The header: column names as text fields (neutralised in the spreadsheet profile). */
function headerRow(s: CsvState, _first: boolean, sink: ByteSink, at: number): number {
  let buf = sink.buffer;
  let pos = at;
  for (let i = 0; i < s.count; i++) {
    const name = s.columns[i]!.name;
    const text = s.neutralize ? neutralized(name, false) : name;
    buf = room(sink, buf, pos, fieldRoom + textRoom(text));
    if (i !== 0) pos = writeBytes(buf, pos, s.delimiterBytes);
    pos = writeTextField(buf, pos, text, s);
  }
  return endRow(sink, buf, pos, false, s);
}

/** Room for text as a field: every unit at its longest, and two quotes. */
function textRoom(text: string): number {
  return text.length * maxBytesPerUnit + 2;
}

/** The line ending; an empty one-column row is written `""`, so that it is not a blank line. */
function endRow(sink: ByteSink, buf: Buffer, pos: number, empty: boolean, s: CsvState): number {
  const out = room(sink, buf, pos, 4);
  if (empty && s.count === 1) {
    out[pos++] = 0x22;
    out[pos++] = 0x22;
  }
  if (s.crlf) out[pos++] = 0x0d;
  out[pos++] = 0x0a;
  return pos;
}

/**
 * Text of at least this many UTF-16 units is scanned with `String#includes` and copied with
 * `Buffer#write`, both native, rather than by the loops below: those take ~3 ns a unit, a
 * native call ~0.1 µs whatever the length, so the loops win on the short text of most columns
 * and lose by far on long text (descriptions, log lines, LLM traces).
 */
const nativeTextLength = 64;

/**
 * Text as a field: as is, or quoted with inner quotes doubled when it holds the delimiter, a
 * quote, CR or LF; empty text is written `""` (present, unlike null). The common case, ASCII
 * needing no quotes, is copied in one pass; when that pass meets a quote-worthy unit, what it
 * copied shifts right to make room for the opening quote. Long text goes the native way.
 */
function writeTextField(buf: Buffer, pos: number, text: string, s: CsvState): number {
  if (text.length >= nativeTextLength) {
    const end = writeLongTextField(buf, pos, text, s.delimiter);
    if (end >= 0) return end;
  }
  if (text === '') {
    buf[pos] = 0x22;
    buf[pos + 1] = 0x22;
    return pos + 2;
  }
  const delimiter = s.delimiterUnit;
  const start = pos;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c === 0x22 || c === 0x0a || c === 0x0d || c === delimiter) break;
    buf[pos++] = c;
  }
  if (i === text.length) return pos;
  if (!needsQuotes(text, i, delimiter)) return writeUtf8(buf, pos, text, i);
  // Most fields are short, and a loop moves a few bytes for less than a native call.
  if (pos - start > 64) buf.copyWithin(start + 1, start, pos);
  else for (let at = pos; at > start; at--) buf[at] = buf[at - 1]!;
  buf[start] = 0x22;
  pos = writeUtf8(buf, pos + 1, text, i, true);
  buf[pos] = 0x22;
  return pos + 1;
}

/**
 * {@link writeTextField} for long text: scanned by `includes` and copied by `Buffer#write`.
 * Returns -1, for the loops, for text with quotes below 4 × {@link nativeTextLength} units:
 * doubling them (`replaceAll`) costs ~0.3 µs, more than the loops take on such text.
 */
function writeLongTextField(buf: Buffer, pos: number, text: string, delimiter: string): number {
  const hasQuote = text.includes('"');
  if (hasQuote && text.length < 4 * nativeTextLength) return -1;
  const plain =
    !hasQuote && !text.includes(delimiter) && !text.includes('\n') && !text.includes('\r');
  if (plain) return pos + buf.write(text, pos);
  buf[pos] = 0x22;
  const end = pos + 1 + buf.write(hasQuote ? text.replaceAll('"', '""') : text, pos + 1);
  buf[end] = 0x22;
  return end + 1;
}

function needsQuotes(text: string, from: number, delimiter: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x0a || c === 0x0d || c === delimiter) return true;
  }
  return false;
}

/**
 * The text of a value the row functions do not inline, through the contract. Text and objects
 * (JSON, or a `toJSON` result such as a decimal library's "-1.50") are neutralised in the
 * spreadsheet profile; numbers, bigints, dates, booleans and binary never are.
 */
function fieldText(value: unknown, index: number, s: CsvState): string {
  const text = serializeCsvValue(value, s.columns[index]);
  if (!s.neutralize) return text;
  if (typeof value === 'string') return neutralized(text, s.numericText[index] === true);
  const isObjectText =
    typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array);
  return isObjectText ? neutralized(text, true) : text;
}

/** Text prefixed with `'` when a spreadsheet would read it as a formula. */
function neutralized(text: string, numericOk: boolean): string {
  if (!formulaStart.test(text) || (numericOk && plainNumber.test(text))) return text;
  return `'${text}`;
}
