import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Exporter, type Manifest } from '@exportkit/core';
import { eventually, parseCsv, readText } from '@exportkit/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { type SharedSetup, sharedAdapters, slowType } from './fixtures/slow-export.js';
import { deletePrefix } from './support/queue-fixture.js';
import { testRedis } from './support/redis-server.js';
import { freshSharedSetup } from './support/shared-setup.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const workerScript = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await (await testRedis()).stop();
});

function startWorker(setup: SharedSetup): ChildProcess {
  // Run from the repo root so tsx reads tsconfig.json and resolves @exportkit/* to sources.
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, JSON.stringify(setup)], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('crash recovery across processes', () => {
  it('kill -9 of the worker holding an export: the other completes it, each row exactly once', {
    timeout: 90_000,
  }, async () => {
    const { setup, dir } = await freshSharedSetup('crash', {
      rows: 2_000,
      batchDelayMs: 40,
      leaseMs: 1_500,
    });
    const { store, jobStore, queue } = sharedAdapters(setup);
    try {
      const exporter = new Exporter({ store, jobStore, queue, types: [slowType(setup)] });
      const workers = [startWorker(setup), startWorker(setup)];
      const ready = await eventually(
        () => workers.every((w) => existsSync(join(dir, `ready-${w.pid}`))),
        30_000,
        50,
      );
      expect(ready, 'worker processes did not start').toBe(true);

      const { export: requested, outcome } = await exporter.request({
        type: 'slow',
        tenantId: 'tenant-a',
      });
      expect(outcome).toBe('queued');
      const { exportId } = requested;

      // Halfway through: the holder dropped its marker and has committed a part of its run.
      let holder: ChildProcess | undefined;
      let killedRunId: string | undefined;
      const halfway = await eventually(
        async () => {
          holder = workers.find((w) => existsSync(join(dir, `halfway-${w.pid}`)));
          const job = await jobStore.get({ tenantId: 'tenant-a', exportId });
          killedRunId = job?.runId;
          if (!holder || !killedRunId) return false;
          for await (const _ of store.list(`exports/tenant-a/${exportId}/${killedRunId}/`))
            return true;
          return false;
        },
        30_000,
        20,
      );
      expect(halfway, 'no worker got halfway through the export').toBe(true);
      const progress = (await exporter.status('tenant-a', exportId)).progress;
      expect(
        progress?.rows,
        'progress is visible to the API side while the job runs',
      ).toBeGreaterThan(0);
      holder!.kill('SIGKILL');
      await exited(holder!);

      const done = await eventually(
        async () =>
          (await jobStore.get({ tenantId: 'tenant-a', exportId }))?.status === 'succeeded',
        45_000,
        100,
      );
      expect(done, 'the surviving worker did not complete the export').toBe(true);

      const job = await jobStore.get({ tenantId: 'tenant-a', exportId });
      const manifest = JSON.parse(await readText(store, job!.result!.manifestKey)) as Manifest;
      expect(manifest.runId).not.toBe(killedRunId);
      expect(job!.attempts).toBeGreaterThanOrEqual(2);
      // The killed run left parts behind; the manifest references none of them.
      const leftovers: string[] = [];
      for await (const info of store.list(`exports/tenant-a/${exportId}/${killedRunId}/`))
        leftovers.push(info.key);
      expect(leftovers.length).toBeGreaterThan(0);
      for (const part of manifest.parts) {
        expect(part.key.startsWith(`exports/tenant-a/${exportId}/${manifest.runId}/`)).toBe(true);
        expect(leftovers).not.toContain(part.key);
      }
      // Exactly the source rows, once each, in order.
      const ids: number[] = [];
      for (const part of manifest.parts) {
        const [header, ...rows] = parseCsv(await readText(store, part.key), ',', 'crlf');
        expect(header).toEqual(['id', 'label']);
        ids.push(...rows.map((row) => Number(row[0])));
      }
      expect(ids).toEqual(Array.from({ length: setup.rows }, (_, i) => i + 1));
      expect(manifest.totals.rows).toBe(setup.rows);

      const survivor = workers.find((w) => w !== holder)!;
      survivor.kill('SIGTERM');
      await exited(survivor);
      expect(survivor.exitCode).toBe(0);
      expect(
        readdirSync(dir).filter((f) => f.startsWith('halfway-')).length,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await queue.close();
      await deletePrefix(setup.redisUrl, setup.queuePrefix);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
