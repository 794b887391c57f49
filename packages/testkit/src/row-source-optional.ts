import type { EncodedOptions } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { collect, concatBytes } from './collect.js';
import { parseCsv } from './csv-parse.js';
import { useFixture } from './fixture-lifecycle.js';
import type { RowSourceFixture } from './fixtures.js';
import type { ResolvedRowSourceSuiteOptions } from './row-source.js';
import { eventually } from './timing.js';

const encodings: readonly EncodedOptions['csv'][] = [
  { delimiter: ',', lineEnding: 'crlf' },
  { delimiter: ';', lineEnding: 'lf' },
];

/** estimateRows and openEncoded, when the source offers them. */
export function rowSourceOptionalTests(
  factory: () => Promise<RowSourceFixture>,
  options: ResolvedRowSourceSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  const { dataset, capabilities } = options;
  if (!capabilities.estimateRows && !capabilities.openEncoded) return;
  describe('optional members', () => {
    const fixture = useFixture(factory);

    if (capabilities.estimateRows) {
      it('estimateRows returns a non-negative number or undefined', { timeout }, async () => {
        const { source, query, emptyQuery } = fixture();
        for (const q of [query, emptyQuery]) {
          const estimate = await source.estimateRows!(q);
          if (estimate !== undefined) {
            expect(Number.isFinite(estimate)).toBe(true);
            expect(estimate).toBeGreaterThanOrEqual(0);
          }
        }
      });
    }

    if (capabilities.openEncoded) {
      for (const csv of encodings) {
        const label = `${JSON.stringify(csv.delimiter)} and ${csv.lineEnding}`;
        it(`openEncoded (${label}) returns undefined or data rows that parse to the dataset`, {
          timeout,
        }, async () => {
          const { source, query } = fixture();
          const signal = new AbortController().signal;
          const encoded = await source.openEncoded!(query, { format: 'csv', csv, signal });
          if (encoded === undefined) return;
          expect(encoded.columns.map((column) => column.name)).toEqual([...dataset.columns]);
          const text = new TextDecoder().decode(concatBytes(await collect(encoded.chunks)));
          const expected = dataset.rows.map(([id, name, amount, active]) => [
            String(id),
            name,
            amount,
            active === null ? '' : String(active),
          ]);
          expect(parseCsv(text, csv.delimiter, csv.lineEnding)).toEqual(expected);
        });
      }

      it('openEncoded on the empty query yields no data rows', { timeout }, async () => {
        const { source, emptyQuery } = fixture();
        const encoded = await source.openEncoded!(emptyQuery, {
          format: 'csv',
          csv: encodings[0]!,
          signal: new AbortController().signal,
        });
        if (encoded === undefined) return;
        expect(concatBytes(await collect(encoded.chunks)).byteLength).toBe(0);
      });

      it('breaking out of openEncoded chunks early releases the source', { timeout }, async () => {
        const { source, query } = fixture();
        const held = async (): Promise<number> => (await fixture().openResources?.()) ?? 0;
        const baseline = await held();
        const encoded = await source.openEncoded!(query, {
          format: 'csv',
          csv: encodings[0]!,
          signal: new AbortController().signal,
        });
        if (encoded === undefined) return;
        for await (const _chunk of encoded.chunks) break;
        expect(await eventually(async () => (await held()) === baseline, options.promptMs)).toBe(
          true,
        );
      });
    }
  });
}
