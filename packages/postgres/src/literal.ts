import { ExportkitError } from '@exportkit/core';
import type { SqlQuery, SqlValue } from './sql.js';
import { scanSql } from './sql-lexer.js';

/**
 * A parameter value as the text PostgreSQL receives, or null. Both read paths use this one
 * function, so a value means the same whether it is bound (cursor path) or inlined (COPY path).
 * Throws `INVALID_FILTERS` for a NUL byte (PostgreSQL text cannot hold one) or an invalid Date.
 */
export function parameterText(value: SqlValue, index: number): string | null {
  if (value === null || value === undefined) return null;
  const text = valueText(value, index);
  if (text.includes('\0')) {
    throw new ExportkitError(
      'INVALID_FILTERS',
      `[exportkit] [postgres] Query parameter $${index + 1} holds a NUL byte, which PostgreSQL text cannot store; strip it from the filter value.`,
      { details: { parameter: index + 1 } },
    );
  }
  return text;
}

/**
 * A string constant PostgreSQL reads back as exactly `text`, whatever the server's
 * `standard_conforming_strings`: an escape string (`E'...'`) with quotes and backslashes doubled.
 * Like a bind parameter sent by `pg`, the constant has type `unknown`, so the server infers its
 * type from context the same way. The caller must reject NUL first (see {@link parameterText}).
 */
export function quoteLiteral(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * The query as one SQL text with every value inlined as a quoted constant, for statements that
 * take no bind parameters (`COPY`). Throws `INVALID_CONFIG` when a value sits inside a string,
 * quoted identifier or comment of the programmer's SQL, where inlining it would not be a value.
 */
export function inlineQuery(query: SqlQuery): string {
  const scan = scanSql(query.strings);
  const misplaced = scan.boundariesInCode.indexOf(false);
  if (misplaced >= 0) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [postgres] Query parameter $${misplaced + 1} is inside a quoted string, quoted identifier or comment; write it where a value goes, e.g. \`name like '%' || \${value} || '%'\` rather than inside the quotes.`,
      { details: { parameter: misplaced + 1 } },
    );
  }
  let text = query.strings[0] ?? '';
  query.values.forEach((value, i) => {
    const param = parameterText(value, i);
    // The leading space keeps the constant from fusing with a word before it (`x=E'..'` is
    // fine, but `abc` + `E'..'` would read as the identifier `abcE`).
    text += `${param === null ? ' NULL' : ` ${quoteLiteral(param)}`}${query.strings[i + 1] ?? ''}`;
  });
  return text;
}

function valueText(value: Exclude<SqlValue, null | undefined>, index: number): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) {
          throw new ExportkitError(
            'INVALID_FILTERS',
            `[exportkit] [postgres] Query parameter $${index + 1} is an invalid Date.`,
            { details: { parameter: index + 1 } },
          );
        }
        return value.toISOString();
      }
      if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
      if (Array.isArray(value)) return arrayLiteral(value, index);
      return JSON.stringify(value);
  }
}

/** A PostgreSQL array literal (`{"a","b",NULL}`), every element quoted and escaped. */
function arrayLiteral(values: readonly SqlValue[], index: number): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item, index);
    const text = valueText(item as Exclude<SqlValue, null | undefined>, index);
    return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
