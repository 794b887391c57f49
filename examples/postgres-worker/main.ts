// The Postgres-only deployment in one command: rows, job records and the queue all in one
// PostgreSQL, files on local disk, an API side (this process) and N worker processes.
//
//   pnpm tsx examples/postgres-worker/main.ts                  # 2 workers, 4 exports, 200,000 orders
//   pnpm tsx examples/postgres-worker/main.ts --workers 3 --rows 1000000 --keep
//
// Needs PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test. Works in a
// fresh schema that it drops at the end (unless --keep).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Exporter, type ExportFormat } from '@exportkit/core';
import { createDownloadHandler } from '@exportkit/local-disk';
import { migrate } from '@exportkit/postgres';
import { adapters, type ExampleSettings, seedOrders, settingsFromEnv } from './setup.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    rows: { type: 'string', default: '200000' },
    keep: { type: 'boolean', default: false },
  },
});

const server = createServer((req, res) => download(req, res));
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const settings: ExampleSettings = {
  ...settingsFromEnv(),
  schema: `exportkit_example_${randomBytes(3).toString('hex')}`,
  secret: randomBytes(32).toString('hex'),
  baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`,
};
const { pool, store, jobStore, queue, types } = adapters(settings);
const download = createDownloadHandler(store, {
  secret: Buffer.from(settings.secret, 'hex'),
  basePath: '/files',
});
const exporter = new Exporter({ store, jobStore, queue, types });

// Tables first: migrate() is idempotent and takes an advisory lock, so workers may run it too.
await migrate(pool, { schema: settings.schema });
await seedOrders(pool, settings.schema, Number(args.rows));
console.log(
  `schema ${settings.schema}: ${Number(args.rows).toLocaleString('en-US')} orders, files in ${settings.dir}`,
);

const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));
const workers: ChildProcess[] = Array.from({ length: Number(args.workers) }, () =>
  // A 4 MB young generation: the recommended setting for workers (docs/getting-started.md,
  // "Worker memory"): 15-35 MB less peak RSS per process, speed within the noise.
  spawn(process.execPath, ['--max-semi-space-size=4', '--import', 'tsx', workerScript], {
    // Workers sign nothing: they get no secret.
    env: {
      ...process.env,
      DATABASE_URL: settings.databaseUrl,
      EXPORTKIT_SCHEMA: settings.schema,
      EXPORTKIT_DIR: settings.dir,
      EXPORTKIT_SECRET: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  }),
);

// CSV takes the COPY fast path; NDJSON reads through the cursor.
const requests = (['csv', 'ndjson'] as ExportFormat[]).flatMap((format) =>
  ['tenant-0', 'tenant-1'].map((tenantId) => ({
    type: 'orders',
    tenantId,
    format,
    filters: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
  })),
);
const started = performance.now();
const ids: { tenantId: string; exportId: string; format: string }[] = [];
for (const request of requests) {
  const { export: view, outcome } = await exporter.request(request);
  ids.push({ tenantId: request.tenantId, exportId: view.exportId, format: request.format });
  console.log(
    `  requested ${request.format.padEnd(6)} for ${request.tenantId}: ${view.exportId.slice(0, 12)}… ${outcome}`,
  );
}
const again = await exporter.request(requests[0]!);
console.log(`  the first request again: ${again.outcome} (one export id, one job)\n`);

for (;;) {
  const views = await Promise.all(
    ids.map(({ tenantId, exportId }) => exporter.status(tenantId, exportId)),
  );
  if (views.every((v) => v.status !== 'queued' && v.status !== 'running')) {
    const seconds = (performance.now() - started) / 1000;
    for (const [i, view] of views.entries()) {
      const manifest =
        view.status === 'succeeded'
          ? await exporter.manifest(view.tenantId, view.exportId)
          : undefined;
      console.log(
        `  ${ids[i]!.format.padEnd(6)} ${view.tenantId}: ${view.status}, ${(view.result?.rows ?? 0).toLocaleString('en-US')} rows in ${view.result?.parts ?? 0} parts (path: ${manifest?.path ?? '-'})${view.error ? ` ${view.error.code}: ${view.error.message}` : ''}`,
      );
    }
    const succeeded = views.filter((v) => v.status === 'succeeded').length;
    console.log(`\n  ${succeeded}/${views.length} succeeded in ${seconds.toFixed(1)} s`);
    const file = views[0]?.files?.[0];
    if (file) {
      const text = await (await fetch(file.url)).text();
      console.log(
        `  part 1 of the first export starts: ${JSON.stringify(text.slice(0, text.indexOf('\n', text.indexOf('\n') + 1)))}`,
      );
    }
    if (succeeded !== views.length) process.exitCode = 1;
    break;
  }
  await new Promise((done) => setTimeout(done, 200));
}

console.log(`  dead letters: ${(await queue.deadLetters()).length}`);
// Graceful shutdown: each worker finishes or hands back what it holds, then exits 0.
for (const worker of workers) worker.kill('SIGTERM');
const codes = await Promise.all(
  workers.map(
    (w) =>
      new Promise<number | null>((done) =>
        w.exitCode === null ? w.once('exit', done) : done(w.exitCode),
      ),
  ),
);
console.log(`  workers exited with ${codes.join(', ')}`);
if (codes.some((code) => code !== 0)) process.exitCode = 1;
await queue.close();
if (!args.keep) await pool.query(`DROP SCHEMA "${settings.schema}" CASCADE`);
await pool.end();
server.close();
