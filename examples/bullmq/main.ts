// The Redis deployment in one command: an API process (this one) and N worker processes on one
// Redis, sharing a directory for the files and the job records.
//
//   pnpm tsx examples/bullmq/main.ts                         # 3 workers, 4 exports of 100,000 rows
//   pnpm tsx examples/bullmq/main.ts --workers 5 --exports 8 --rows 500000
//
// Needs Redis: REDIS_URL, default redis://127.0.0.1:6379.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Exporter } from '@exportkit/core';
import { createDownloadHandler } from '@exportkit/local-disk';
import { adapters, type ExampleSettings, settingsFromEnv } from './setup.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '3' },
    exports: { type: 'string', default: '4' },
    rows: { type: 'string', default: '100000' },
  },
});

// Downloads are served by this process, signed with a secret only it holds.
const server = createServer((req, res) => download(req, res));
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
// A fresh directory per run (removed at the end) unless EXPORTKIT_DIR says where.
const tempDir = process.env.EXPORTKIT_DIR
  ? undefined
  : mkdtempSync(join(tmpdir(), 'exportkit-bullmq-'));
const settings: ExampleSettings = {
  ...settingsFromEnv(),
  ...(tempDir ? { dir: tempDir } : {}),
  queueName: `exportkit-example-${randomUUID().slice(0, 8)}`,
  secret: randomBytes(32).toString('hex'),
  baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`,
};
const { store, jobStore, queue, types } = adapters(settings);
const download = createDownloadHandler(store, {
  secret: Buffer.from(settings.secret, 'hex'),
  basePath: '/files',
});
const exporter = new Exporter({ store, jobStore, queue, types });

const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));
const workers: ChildProcess[] = Array.from({ length: Number(args.workers) }, () =>
  // A 4 MB young generation: the recommended setting for workers (docs/getting-started.md,
  // "Worker memory"): 15-35 MB less peak RSS per process, speed within the noise.
  spawn(process.execPath, ['--max-semi-space-size=4', '--import', 'tsx', workerScript], {
    // Workers sign nothing: they get no secret.
    env: {
      ...process.env,
      REDIS_URL: settings.redisUrl,
      EXPORTKIT_QUEUE: settings.queueName,
      EXPORTKIT_DIR: settings.dir,
      EXPORTKIT_SECRET: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  }),
);
console.log(
  `API process ${process.pid}: ${workers.length} workers on ${settings.redisUrl}, queue ${settings.queueName}, files in ${settings.dir}\n`,
);

const requests = Array.from({ length: Number(args.exports) }, (_, i) => ({
  type: 'events',
  tenantId: `tenant-${i % 2}`,
  filters: { rows: Number(args.rows) + i },
}));
const started = performance.now();
const ids = [];
for (const request of requests) {
  const { export: view, outcome } = await exporter.request(request);
  ids.push({ tenantId: request.tenantId, exportId: view.exportId });
  console.log(`  requested ${view.exportId.slice(0, 12)}… for ${request.tenantId}: ${outcome}`);
}
const again = await exporter.request(requests[0]!);
console.log(`  the first request again: ${again.outcome} (same export id: no second job)\n`);

// Progress is published by the workers into the job records; the API side reads it.
let last = '';
for (;;) {
  const views = await Promise.all(
    ids.map(({ tenantId, exportId }) => exporter.status(tenantId, exportId)),
  );
  const line = views
    .map((v) =>
      (v.status === 'running'
        ? `${(v.progress?.rows ?? 0).toLocaleString('en-US')} rows`
        : v.status
      ).padEnd(14),
    )
    .join(' ');
  if (line !== last) console.log(`  ${line}`);
  last = line;
  if (views.every((v) => v.status !== 'queued' && v.status !== 'running')) {
    const seconds = (performance.now() - started) / 1000;
    const rows = views.reduce((sum, v) => sum + (v.result?.rows ?? 0), 0);
    const succeeded = views.filter((v) => v.status === 'succeeded').length;
    console.log(
      `\n  ${succeeded}/${views.length} succeeded in ${seconds.toFixed(1)} s, ${rows.toLocaleString('en-US')} rows`,
    );
    const file = views[0]?.files?.[0];
    if (file) console.log(`  part 1 of the first export: ${file.url.slice(0, 100)}…`);
    if (succeeded !== views.length) process.exitCode = 1;
    break;
  }
  await new Promise((done) => setTimeout(done, 200));
}

console.log(`  dead letters: ${(await queue.deadLetters()).length}`);
for (const worker of workers) worker.kill('SIGTERM');
await Promise.all(
  workers.map(
    (w) => new Promise((done) => (w.exitCode === null ? w.once('exit', done) : done(null))),
  ),
);
await queue.bullQueue.obliterate({ force: true });
await queue.close();
server.close();
if (tempDir) rmSync(tempDir, { recursive: true, force: true });
