// The embedded default: memory queue + memory job store + local-disk object store, an API side
// and a worker in one process. Exports 200,000 generated orders into ./exports, shows progress,
// prints the manifest and a signed download URL, and downloads part 1 through it.
//
//   pnpm demo                 # 200,000 rows
//   pnpm demo --rows 1000000 --format ndjson --gzip --serve
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Exporter, type ExportFormat, ExportWorker, isExportkitError } from '@exportkit/core';
import { createDownloadHandler, LocalDiskObjectStore } from '@exportkit/local-disk';
import { MemoryJobStore, MemoryQueue } from '@exportkit/memory';
import { ordersExport } from './orders.js';
import { drawProgress, endProgress } from './progress-bar.js';

const usage =
  'usage: pnpm demo [--rows N] [--format csv|ndjson|json] [--gzip] [--dir DIR] [--serve]';
const args = parseDemoArgs(process.argv.slice(2));

const secret = randomBytes(32);
const server = createServer((req, res) => download(req, res));
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;

const store = new LocalDiskObjectStore({ root: resolve(args.dir), signing: { secret, baseUrl } });
const download = createDownloadHandler(store, { secret, basePath: '/files' });
const jobStore = new MemoryJobStore();
const queue = new MemoryQueue();
const types = [ordersExport(Number(args.rows))];

const exporter = new Exporter({ jobStore, queue, store, types });
const worker = new ExportWorker({
  jobStore,
  queue,
  store,
  types,
  progressIntervalMs: 100,
  onProgress: ({ progress }) => drawProgress(progress),
});
const stopWorker = new AbortController();
const workerStopped = worker.run({ concurrency: 2, signal: stopWorker.signal, pollWaitMs: 200 });

const request = {
  type: 'orders',
  tenantId: 'demo-tenant',
  requestedBy: 'demo-user',
  filters: { rows: Number(args.rows) },
  format: args.format as ExportFormat,
  compression: args.gzip ? ('gzip' as const) : ('none' as const),
};

console.log(
  `exportkit demo: ${Number(args.rows).toLocaleString('en-US')} rows as ${request.format}${args.gzip ? '.gz' : ''} into ${resolve(args.dir)}\n`,
);
const started = performance.now();
const first = await exporter.request(request).catch((error: unknown) => {
  // A bad request is a typed error with a stable code and a message that says what to fix.
  if (!isExportkitError(error)) throw error;
  console.error(`  ${error.code}: ${error.message}\n${usage}`);
  process.exit(2);
});
console.log(`  export id ${first.export.exportId} (${first.outcome})`);

let view = await exporter.status(request.tenantId, first.export.exportId);
while (view.status === 'queued' || view.status === 'running') {
  await new Promise((done) => setTimeout(done, 100));
  view = await exporter.status(request.tenantId, first.export.exportId);
}
endProgress();
const seconds = (performance.now() - started) / 1000;
if (view.status !== 'succeeded' || !view.result || !view.files) {
  console.error(`  export ${view.status}: ${view.error?.code} ${view.error?.message}`);
  process.exitCode = 1;
} else {
  const manifest = await exporter.manifest(request.tenantId, view.exportId);
  console.log(
    `  ${view.status} in ${seconds.toFixed(1)} s: ${view.result.rows.toLocaleString('en-US')} rows, ${(view.result.bytes / 1e6).toFixed(1)} MB, ${view.result.parts} parts (${Math.round(view.result.rows / seconds).toLocaleString('en-US')} rows/s)\n`,
  );
  console.table(
    manifest.parts.map((p) => ({
      part: p.index,
      rows: p.rows,
      bytes: p.bytes,
      sha256: `${p.sha256.slice(0, 16)}…`,
      key: p.key.slice(p.key.lastIndexOf('/', p.key.lastIndexOf('/') - 1) + 1),
    })),
  );

  const again = await exporter.request(request);
  console.log(`\n  the same request again: ${again.outcome} (no second run)`);

  const file = view.files[0];
  if (file) {
    const response = await fetch(file.url);
    const body = Buffer.from(await response.arrayBuffer());
    const verified = createHash('sha256').update(body).digest('hex') === file.sha256;
    console.log(`  signed URL for part 1 (valid until ${file.expiresAt}):\n    ${file.url}`);
    console.log(
      `  downloaded it: HTTP ${response.status}, ${body.length.toLocaleString('en-US')} bytes, sha256 ${verified ? 'matches the manifest' : 'DOES NOT MATCH'}`,
    );
    if (!verified) process.exitCode = 1;
  }
}

if (args.serve) {
  console.log('\n  serving downloads until Ctrl-C');
  await new Promise<void>((done) => process.once('SIGINT', () => done()));
}
stopWorker.abort();
await workerStopped;
server.close();

/** The demo's options; a mistyped one prints the usage instead of a stack trace. */
function parseDemoArgs(argv: string[]) {
  try {
    return parseArgs({
      // `pnpm demo -- --rows 5` hands the script a literal `--` first.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        rows: { type: 'string', default: '200000' },
        format: { type: 'string', default: 'csv' },
        gzip: { type: 'boolean', default: false },
        dir: { type: 'string', default: 'exports' },
        serve: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
