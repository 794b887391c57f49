import type { Column, Row } from '@exportkit/core';

const bigintAsText = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? String(value) : value;

/**
 * NDJSON the hand-built way, the baseline of the NDJSON benches: an object per row, one
 * `JSON.stringify` line each (bigints as their digits, which `JSON.stringify` refuses).
 */
export function* jsonLines(columns: readonly Column[], rows: Iterable<Row>): Generator<string> {
  const names = columns.map((c) => c.name);
  for (const row of rows) {
    yield `${JSON.stringify(Object.fromEntries(names.map((name, i) => [name, row[i]])), bigintAsText)}\n`;
  }
}
