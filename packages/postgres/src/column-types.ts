import type { Column } from '@exportkit/core';
import { parseNumber } from './parse-number.js';
import type { FieldLike, TypeParsersLike } from './pg-like.js';

/** Type OIDs (`pg_type.oid`, stable across PostgreSQL versions) this package treats specially. */
export const oids = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const identity = (text: string): string => text;
const toBoolean = (text: string): boolean => text === 't';
const toBuffer = (text: string): Buffer => Buffer.from(text.slice(2), 'hex');

/**
 * Text → value parsers for the cursor path, chosen for speed and exactness under the core
 * serialization contract: `int8` and `numeric` stay exact strings, `json`/`jsonb` stay raw
 * JSON text (typed `'json'`, so writers embed it without a parse), timestamps become `Date`,
 * `bytea` a Buffer, and every other type (dates, uuids, arrays, intervals…) its PostgreSQL text.
 */
export const cursorTypeParsers: TypeParsersLike = {
  getTypeParser(oid: number) {
    switch (oid) {
      case oids.bool:
        return toBoolean;
      case oids.int2:
      case oids.int4:
      case oids.oid:
      case oids.float4:
      case oids.float8:
        return parseNumber;
      case oids.bytea:
        return toBuffer;
      case oids.timestamptz:
      case oids.timestamp:
        return parseTimestamp;
      default:
        return identity;
    }
  },
};

/** The {@link Column} for a result field: its name and the writers' type hint. */
export function columnOf(field: FieldLike): Column {
  return { name: field.name, type: columnType(field.dataTypeID) };
}

function columnType(oid: number): Column['type'] {
  switch (oid) {
    case oids.bool:
      return 'boolean';
    case oids.int2:
    case oids.int4:
    case oids.oid:
    case oids.float4:
    case oids.float8:
      return 'number';
    case oids.int8:
      return 'bigint';
    case oids.numeric:
      return 'decimal';
    case oids.json:
    case oids.jsonb:
      return 'json';
    case oids.bytea:
      return 'binary';
    case oids.date:
    case oids.timestamp:
    case oids.timestamptz:
      return 'date';
    default:
      return 'string';
  }
}

/**
 * The SQL that makes COPY write a column the way core's writers write the cursor path's value
 * (used only for delimiters the COPY rewriter cannot handle; see `rewritableDelimiter`),
 * or `undefined` when PostgreSQL's own text already matches: booleans as `true`/`false`,
 * timestamps as ISO 8601 UTC with milliseconds (`Date#toISOString`), bytea as one-line base64.
 */
export function copyExpression(oid: number, ref: string): string | undefined {
  switch (oid) {
    case oids.bool:
      return `${ref}::text`;
    case oids.bytea:
      // encode() breaks base64 lines every 76 characters; Buffer#toString('base64') does not.
      return `replace(encode(${ref}, 'base64'), E'\\n', '')`;
    case oids.timestamptz:
      return `CASE WHEN isfinite(${ref}) THEN to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE ${ref}::text END`;
    case oids.timestamp:
      return `CASE WHEN isfinite(${ref}) THEN to_char(${ref}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE ${ref}::text END`;
    default:
      return undefined;
  }
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]]` (DateStyle ISO; no offset means UTC, as
 * for `timestamp without time zone`) to a Date, truncated to milliseconds like to_char's `MS`.
 * Anything else (`infinity`, BC dates, years before 100 or past 9999) stays text.
 */
export function parseTimestamp(text: string): Date | string {
  if (
    text.length < 19 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(10) !== 32 ||
    text.endsWith(' BC')
  ) {
    return text;
  }
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    let digits = 0;
    i++;
    while (i < text.length && isDigit(text.charCodeAt(i))) {
      if (digits < 3) ms = ms * 10 + (text.charCodeAt(i) - 48);
      digits++;
      i++;
    }
    for (; digits < 3; digits++) ms *= 10;
  }
  let offsetMinutes = 0;
  if (i < text.length) {
    const sign = text.charCodeAt(i) === 45 ? -1 : 1;
    const hours = digits2(text, i + 1);
    const minutes = text.charCodeAt(i + 3) === 58 ? digits2(text, i + 4) : 0;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  // Digits read from char codes: slicing and Number() per part cost more than the Date itself.
  const year = digits2(text, 0) * 100 + digits2(text, 2);
  // Date.UTC reads years 0..99 as 1900..1999.
  if (year < 100) return text;
  const month = digits2(text, 5);
  const day = digits2(text, 8);
  const seconds = digits2(text, 11) * 3600 + digits2(text, 14) * 60 + digits2(text, 17);
  // Consecutive rows often share a day: Date.UTC runs once per day, not once per value.
  if (year !== cachedYear || month !== cachedMonth || day !== cachedDay) {
    cachedDayMs = Date.UTC(year, month - 1, day);
    cachedYear = year;
    cachedMonth = month;
    cachedDay = day;
  }
  const time = cachedDayMs + seconds * 1000 + ms - offsetMinutes * 60_000;
  return Number.isNaN(time) ? text : new Date(time);
}

let cachedYear = Number.NaN;
let cachedMonth = Number.NaN;
let cachedDay = Number.NaN;
let cachedDayMs = Number.NaN;

/** The two-digit number at `at`, or NaN when either character is not a digit. */
function digits2(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : Number.NaN;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
