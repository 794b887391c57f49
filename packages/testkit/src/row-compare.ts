import type { Row } from '@exportkit/core';
import { expect } from 'vitest';
import type { ConformanceDataset } from './fixtures.js';

/** A row as the suite compares it: text for id, name and amount; active as boolean or null. */
export type NormalizedRow = [id: string, name: string, amount: string, active: boolean | null];

/** Normalises a source row for comparison (sources may return id as bigint, amount as text). */
export function normalizeRow(row: Row): NormalizedRow {
  const active = row[3];
  return [
    String(row[0]),
    String(row[1]),
    String(row[2]),
    typeof active === 'boolean' ? active : (active as null),
  ];
}

/** Compares rows to the dataset, reporting the first differing row instead of a 2,500-row diff. */
export function expectDatasetRows(
  actual: readonly NormalizedRow[],
  dataset: ConformanceDataset,
): void {
  const expected = dataset.rows.map((row) => normalizeRow(row));
  const mismatch = expected.findIndex(
    (row, i) => JSON.stringify(row) !== JSON.stringify(actual[i]),
  );
  if (mismatch >= 0) {
    expect(actual[mismatch], `row ${mismatch} (id ${mismatch + 1}) differs`).toEqual(
      expected[mismatch],
    );
  }
  expect(actual.length, 'row count').toBe(expected.length);
}
