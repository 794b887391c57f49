import type { Row } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { useFixture } from './fixture-lifecycle.js';
import type { RowSourceFixture } from './fixtures.js';
import type { ResolvedRowSourceSuiteOptions } from './row-source.js';
import { eventually } from './timing.js';

/** Ending a read early (break, abort) stops promptly and releases what the source holds. */
export function rowSourceReleaseTests(
  factory: () => Promise<RowSourceFixture>,
  options: ResolvedRowSourceSuiteOptions,
): void {
  const timeout = options.timeoutMs;
  const { promptMs } = options;
  describe('ending reads', () => {
    const fixture = useFixture(factory);
    /** Resources held right now; 0 when the fixture cannot tell. */
    const held = async (): Promise<number> => (await fixture().openResources?.()) ?? 0;
    const expectReleased = async (baseline: number): Promise<void> => {
      const released = await eventually(async () => (await held()) === baseline, promptMs);
      expect(released, `resources held: ${await held()}, expected ${baseline}`).toBe(true);
    };

    it('a full read releases its resources', { timeout }, async () => {
      const { source, query } = fixture();
      const baseline = await held();
      const stream = await source.open(query, { signal: new AbortController().signal });
      for await (const _batch of stream.batches) {
        // read to the end
      }
      await expectReleased(baseline);
    });

    it('breaking out after the first batch ends promptly and releases', { timeout }, async () => {
      const { source, query } = fixture();
      const baseline = await held();
      const stream = await source.open(query, { signal: new AbortController().signal });
      const started = Date.now();
      let batches = 0;
      for await (const batch of stream.batches) {
        expect(batch.length).toBeGreaterThan(0);
        batches++;
        break;
      }
      expect(batches).toBe(1);
      expect(Date.now() - started).toBeLessThan(promptMs);
      await expectReleased(baseline);
    });

    it('aborting the signal mid-read ends the iteration promptly and releases', {
      timeout,
    }, async () => {
      const { source, query } = fixture();
      const baseline = await held();
      const controller = new AbortController();
      const stream = await source.open(query, { signal: controller.signal });
      const iterator = stream.batches[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      controller.abort(new Error('stop'));
      const abortedAt = Date.now();
      // The source may end quietly or throw; either way it must not keep reading for long.
      await drain(iterator).catch(() => undefined);
      expect(Date.now() - abortedAt).toBeLessThan(promptMs);
      await expectReleased(baseline);
    });

    it('an already-aborted signal rejects open or ends the read promptly, and releases', {
      timeout,
    }, async () => {
      const { source, query } = fixture();
      const baseline = await held();
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      const started = Date.now();
      await source
        .open(query, { signal: controller.signal })
        .then((stream) => drain(stream.batches[Symbol.asyncIterator]()))
        .catch(() => undefined);
      expect(Date.now() - started).toBeLessThan(promptMs);
      await expectReleased(baseline);
    });
  });
}

async function drain(iterator: AsyncIterator<readonly Row[]>): Promise<void> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
  }
}
