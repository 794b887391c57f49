import { describe, expect, it } from 'vitest';
import { resolveCapabilities, useFixture } from './fixture-lifecycle.js';
import { type ConformanceDataset, conformanceDataset, type RowSourceFixture } from './fixtures.js';
import { rowSourceOptionalTests } from './row-source-optional.js';
import { rowSourceReadTests } from './row-source-read.js';
import { rowSourceReleaseTests } from './row-source-release.js';

/** Which optional members the RowSource fixture offers; decides which groups run. */
export interface RowSourceSuiteCapabilities {
  /** `source.estimateRows` exists. */
  estimateRows: boolean;
  /** `source.openEncoded` exists. */
  openEncoded: boolean;
  /** `fixture.openResources` exists. */
  openResources: boolean;
}

/** Options for {@link rowSourceConformance}. */
export interface RowSourceSuiteOptions {
  /** Rows in the dataset handed to the factory; several batches' worth. @defaultValue `2500` */
  rowCount?: number;
  /** How soon a read must end after `break` or an abort. @defaultValue `2000` */
  promptMs?: number;
  /** Per-test timeout. @defaultValue `30_000` */
  timeoutMs?: number;
  /**
   * The optional members that decide which groups run. When omitted, the suite builds one probe
   * fixture while collecting tests and looks for them. Either way one test checks that every
   * fixture offers exactly these.
   */
  capabilities?: RowSourceSuiteCapabilities;
}

/** The suite options with defaults filled in, as the groups see them. */
export interface ResolvedRowSourceSuiteOptions {
  dataset: ConformanceDataset;
  promptMs: number;
  timeoutMs: number;
  capabilities: RowSourceSuiteCapabilities;
}

/**
 * Registers the RowSource conformance suite. `factory` receives the dataset to serve (see
 * {@link conformanceDataset}) and returns a source with a query for exactly those rows and a
 * query for none. Checks columns, every row in `id` order, stable order across opens, prompt
 * release on `break` and abort, and (when offered) `estimateRows` and `openEncoded`.
 */
export function rowSourceConformance(
  name: string,
  factory: (dataset: ConformanceDataset) => Promise<RowSourceFixture>,
  options: RowSourceSuiteOptions = {},
): void {
  const dataset = conformanceDataset(options.rowCount ?? 2500);
  const bound = (): Promise<RowSourceFixture> => factory(dataset);
  describe(`RowSource conformance: ${name}`, async () => {
    const capabilities = await resolveCapabilities(bound, featuresOf, options.capabilities);
    const resolved: ResolvedRowSourceSuiteOptions = {
      dataset,
      promptMs: options.promptMs ?? 2000,
      timeoutMs: options.timeoutMs ?? 30_000,
      capabilities,
    };
    describe('capabilities', () => {
      const fixture = useFixture(bound);
      it(`declares ${JSON.stringify(capabilities)}`, () => {
        expect(featuresOf(fixture())).toEqual(capabilities);
        expect(typeof fixture().source.name).toBe('string');
      });
    });
    rowSourceReadTests(bound, resolved);
    rowSourceReleaseTests(bound, resolved);
    rowSourceOptionalTests(bound, resolved);
  });
}

function featuresOf(fixture: RowSourceFixture): RowSourceSuiteCapabilities {
  return {
    estimateRows: typeof fixture.source.estimateRows === 'function',
    openEncoded: typeof fixture.source.openEncoded === 'function',
    openResources: typeof fixture.openResources === 'function',
  };
}
