import { ExportkitError } from '../errors.js';
import type { Column, Row } from '../ports/row-source.js';
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
import { maxJsonBytesPerUnit, writeJsonString } from './json-string.js';
import { writeNumber } from './number-bytes.js';
import type { RowEncoder } from './row-encoder.js';
import { serializeJsonValue, validTime } from './serialize-value.js';

/** NDJSON: one JSON object per row, keyed by column name, each line ended by `\n`. */
export function createNdjsonEncoder(columns: readonly Column[]): RowEncoder {
  const state = compile(columns, '}\n');
  const encode: EncodeRow<Row> = (r, _first, sink, at) => writeObject(r, state, sink, at, none);
  return { format: 'ndjson', partStart: '', row: textOf(encode), encode, partEnd: '' };
}

/**
 * JSON: each part is one array, streamed as `[`, then `\n{...}` for the first row and
 * `,\n{...}` for the next, then `\n]\n`, so an empty part is still valid JSON.
 */
export function createJsonEncoder(columns: readonly Column[]): RowEncoder {
  const state = compile(columns, '}');
  const encode: EncodeRow<Row> = (r, first, sink, at) =>
    writeObject(r, state, sink, at, first ? newline : separator);
  return { format: 'json', partStart: '[', row: textOf(encode), encode, partEnd: '\n]\n' };
}

const none = Buffer.alloc(0);
const newline = Buffer.from('\n');
const separator = Buffer.from(',\n');
const nullBytes = Buffer.from('null');

interface JsonState {
  readonly columns: readonly Column[];
  readonly count: number;
  /** Per column, `{"name":` for the first and `,"name":` for the others, as UTF-8. */
  readonly keys: readonly Buffer[];
  /** Per column: a `'json'` column, whose text must be embedded rather than quoted. */
  readonly embed: readonly boolean[];
  /** Closes each object: `}` or `}\n`. */
  readonly close: Buffer;
}

function compile(columns: readonly Column[], close: string): JsonState {
  const seen = new Set<string>();
  for (const { name } of columns) {
    if (seen.has(name)) {
      // A JSON object keeps only the last of two equal keys, so one column would vanish.
      throw new ExportkitError(
        'INVALID_REQUEST',
        `[exportkit] [writer] column "${name}" appears twice; JSON and NDJSON need unique column names`,
        { details: { column: name } },
      );
    }
    seen.add(name);
  }
  return {
    columns,
    count: columns.length,
    keys: columns.map((c, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`)),
    embed: columns.map((c) => c.type === 'json'),
    close: Buffer.from(columns.length === 0 ? `{${close}` : close),
  };
}

/**
 * Room reserved before each value besides its key: any value but text, whose room is reserved
 * by length: a quoted ISO date takes at most 29 bytes, `String(number)` 25.
 */
const valueRoom = 32;

/*
 * The hot loop: common types written as bytes straight into the part's buffer (a row string
 * built and then encoded cost about twice as much, as for CSV), the rest through the contract.
 */
function writeObject(row: Row, s: JsonState, sink: ByteSink, at: number, open: Buffer): number {
  let buf = room(sink, sink.buffer, at, open.length);
  let pos = writeBytes(buf, at, open);
  for (let i = 0; i < s.count; i++) {
    const key = s.keys[i]!;
    buf = room(sink, buf, pos, key.length + valueRoom);
    pos = writeBytes(buf, pos, key);
    const value = row[i];
    switch (typeof value) {
      case 'string':
        if (s.embed[i] === true) {
          const text = serializeJsonValue(value, s.columns[i]);
          buf = room(sink, buf, pos, text.length * maxBytesPerUnit);
          pos = writeUtf8(buf, pos, text);
        } else {
          buf = room(sink, buf, pos, value.length * maxJsonBytesPerUnit + 2);
          pos = writeJsonString(buf, pos, value);
        }
        break;
      case 'number':
        pos = Number.isFinite(value)
          ? writeNumber(buf, pos, value)
          : writeUtf8(buf, pos, `"${value}"`);
        break;
      case 'boolean':
        pos = writeUtf8(buf, pos, value ? 'true' : 'false');
        break;
      case 'undefined':
        pos = writeBytes(buf, pos, nullBytes);
        break;
      default:
        if (value === null) {
          pos = writeBytes(buf, pos, nullBytes);
        } else if (value instanceof Date) {
          buf[pos] = 0x22;
          pos = writeIsoDate(buf, pos + 1, validTime(value, s.columns[i]));
          buf[pos++] = 0x22;
        } else {
          const text = serializeJsonValue(value, s.columns[i]);
          buf = room(sink, buf, pos, text.length * maxBytesPerUnit);
          pos = writeUtf8(buf, pos, text);
        }
    }
  }
  buf = room(sink, buf, pos, s.close.length);
  return writeBytes(buf, pos, s.close);
}
