import { ExportkitError } from '../errors.js';
import type { Column, Row } from '../ports/row-source.js';
import { writeText } from './byte-sink.js';
import type { RowEncoder } from './row-encoder.js';
import { isoDate, serializeJsonValue } from './serialize-value.js';

/** NDJSON: one JSON object per row, keyed by column name, each line ended by `\n`. */
export function createNdjsonEncoder(columns: readonly Column[]): RowEncoder {
  const state = compile(columns);
  const row = (r: Row) => `${objectText(r, state)}\n`;
  return {
    format: 'ndjson',
    partStart: '',
    row,
    encode: (r, _first, sink, at) => writeText(sink, at, row(r)),
    partEnd: '',
  };
}

/**
 * JSON: each part is one array, streamed as `[`, then `\n{...}` for the first row and
 * `,\n{...}` for the next, then `\n]\n`, so an empty part is still valid JSON.
 */
export function createJsonEncoder(columns: readonly Column[]): RowEncoder {
  const state = compile(columns);
  const row = (r: Row, first: boolean) => (first ? '\n' : ',\n') + objectText(r, state);
  return {
    format: 'json',
    partStart: '[',
    row,
    encode: (r, first, sink, at) => writeText(sink, at, row(r, first)),
    partEnd: '\n]\n',
  };
}

interface JsonState {
  readonly columns: readonly Column[];
  readonly count: number;
  /** Per column, `{"name":` for the first and `,"name":` for the others. */
  readonly keys: readonly string[];
  /** Per column: a `'json'` column, whose text must be embedded rather than quoted. */
  readonly embed: readonly boolean[];
}

function compile(columns: readonly Column[]): JsonState {
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
    keys: columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`),
    embed: columns.map((c) => c.type === 'json'),
  };
}

/** The hot loop: common types inline, the rest through the contract. */
function objectText(row: Row, s: JsonState): string {
  if (s.count === 0) return '{}';
  let out = '';
  for (let i = 0; i < s.count; i++) {
    out += s.keys[i];
    const value = row[i];
    switch (typeof value) {
      case 'string':
        out +=
          s.embed[i] === true ? serializeJsonValue(value, s.columns[i]) : JSON.stringify(value);
        break;
      case 'number':
        out += Number.isFinite(value) ? value : `"${value}"`;
        break;
      case 'boolean':
        out += value ? 'true' : 'false';
        break;
      case 'undefined':
        out += 'null';
        break;
      default:
        if (value === null) out += 'null';
        else if (value instanceof Date) out += `"${isoDate(value, s.columns[i])}"`;
        else out += serializeJsonValue(value, s.columns[i]);
    }
  }
  return `${out}}`;
}
