import { ExportkitError } from '../errors.js';
import type { SerializationRules } from '../manifest.js';
import type { Column } from '../ports/row-source.js';
import type { ExportFormat } from '../request.js';
import { isoString } from './iso-date.js';

/*
 * The one serialization contract every writer follows, so a value reads the same whatever the
 * format. CSV gets text; NDJSON and JSON get JSON text. The encoders inline the common cases
 * (strings, finite numbers, null) in their hot loops and call these functions for the rest, so
 * these functions are the contract and the encoders must agree with them.
 */

/**
 * A value as CSV field text, before quoting: `Date` → ISO 8601 UTC, `bigint` → exact decimal,
 * numbers → `String(n)` (`NaN`, `Infinity`, `-Infinity` included), booleans → `true`/`false`,
 * `Uint8Array`/`Buffer` → base64, objects with `toJSON` → their `toJSON` result (a string as
 * is), other objects and arrays → JSON text (nested `bigint` as strings), null/undefined → `''`.
 * Throws `SERIALIZATION_ERROR` for an invalid `Date`, a symbol or a function.
 */
export function serializeCsvValue(value: unknown, column?: Column): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) return isoDate(value, column);
      if (value instanceof Uint8Array) return base64(value);
      if (hasToJson(value)) {
        const json = value.toJSON();
        return typeof json === 'string' ? json : jsonText(json, column);
      }
      return jsonText(value, column);
    default:
      throw unserializable(value, column);
  }
}

/**
 * A value as JSON text for NDJSON and JSON: strings and `'decimal'`/`'bigint'` text stay JSON
 * strings, except in a `'json'` column, where the text is validated and embedded as JSON;
 * finite numbers and booleans as JSON literals; non-finite numbers as the strings `"NaN"`,
 * `"Infinity"`, `"-Infinity"`; `bigint` as an exact decimal string; `Date` as an ISO 8601 UTC
 * string; binary as a base64 string; objects and arrays embedded as JSON (`toJSON` honoured,
 * nested `bigint` and non-finite numbers as strings); null/undefined → `null`.
 */
export function serializeJsonValue(value: unknown, column?: Column): string {
  switch (typeof value) {
    case 'string':
      return column?.type === 'json' ? embedJsonText(value, column) : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : `"${value}"`;
    case 'bigint':
      return `"${value}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Date) return `"${isoDate(value, column)}"`;
      if (value instanceof Uint8Array) return `"${base64(value)}"`;
      return jsonText(value, column);
    default:
      throw unserializable(value, column);
  }
}

/** The rules recorded in the manifest for `format`; they describe the two functions above. */
export function serializationRules(format: ExportFormat): SerializationRules {
  const csv = format === 'csv';
  return {
    timeZone: 'UTC',
    date: 'iso8601',
    bigint: 'string',
    decimal: 'string',
    binary: 'base64',
    json: csv ? 'json-text-in-csv' : 'embedded',
    null: csv ? 'empty-field' : 'null',
    nonFiniteNumber: 'string',
  };
}

/**
 * `date.toISOString()` (computed faster, see `iso-date.ts`), or `SERIALIZATION_ERROR` for an
 * invalid date, which has no text. The encoders' inlined date paths write the same bytes with
 * {@link validTime} and `writeIsoDate`.
 */
export function isoDate(date: Date, column: Column | undefined): string {
  return isoString(validTime(date, column));
}

/** The date's epoch milliseconds, or `SERIALIZATION_ERROR` for an invalid date. */
export function validTime(date: Date, column: Column | undefined): number {
  const time = date.getTime();
  if (Number.isNaN(time)) {
    throw new ExportkitError(
      'SERIALIZATION_ERROR',
      `[exportkit] [writer] ${where(column)}holds an invalid Date; fix the row source so it yields valid dates or null`,
      { details: column ? { column: column.name } : undefined },
    );
  }
  return time;
}

/** Base64 of the bytes, viewing (not copying) a plain `Uint8Array` as a Buffer. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** JSON text of a structured value; the replacer keeps the contract inside it too. */
function jsonText(value: unknown, column: Column | undefined): string {
  try {
    // `undefined` only for a top-level value JSON cannot express; callers handle functions.
    return JSON.stringify(value, nestedValue) ?? 'null';
  } catch (error) {
    throw new ExportkitError(
      'SERIALIZATION_ERROR',
      `[exportkit] [writer] ${where(column)}holds a value JSON cannot express (${(error as Error).message}); remove cycles or convert it in the row source`,
      { cause: error, details: column ? { column: column.name } : undefined },
    );
  }
}

/**
 * Replacer for nested values. `this[key]` is the value before `toJSON` ran, so binary is
 * caught before Buffer's own `toJSON` turns it into `{ type, data }`.
 */
function nestedValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  const raw = this[key];
  if (raw instanceof Uint8Array) return base64(raw);
  return value;
}

/**
 * Text from a `'json'` column, validated and embedded as is. Numbers keep their exact digits
 * (no parse → stringify round trip); line breaks between tokens are removed, because a raw
 * line break would end an NDJSON record early.
 */
function embedJsonText(text: string, column: Column): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new ExportkitError(
      'SERIALIZATION_ERROR',
      `[exportkit] [writer] ${where(column)}is typed 'json' but holds text that is not JSON; fix the source or change the column type`,
      { cause: error, details: { column: column.name } },
    );
  }
  return text.includes('\n') || text.includes('\r') ? withoutWhitespace(text) : text.trim();
}

/** Drops JSON whitespace outside strings. Valid JSON strings hold no raw whitespace but space. */
function withoutWhitespace(text: string): string {
  let out = '';
  let inString = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

function unserializable(value: unknown, column: Column | undefined): ExportkitError {
  return new ExportkitError(
    'SERIALIZATION_ERROR',
    `[exportkit] [writer] ${where(column)}holds a ${typeof value}, which no format can write; convert it in the row source`,
    { details: column ? { column: column.name } : undefined },
  );
}

function where(column: Column | undefined): string {
  return column ? `column "${column.name}" ` : 'a value ';
}
