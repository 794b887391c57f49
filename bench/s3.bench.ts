// A 1,000,000-row × 10-column CSV export through the whole worker into S3 (s3rver, a real S3
// API server in a child process), rows read from a dataset in memory (`heldRows`), beside a
// baseline in the same run: lib-storage's `Upload` alone sending the same bytes (the exported
// parts, first copied to local files untimed) with the same part size and concurrency, in a
// process of its own (`lib/upload-alone.ts`). The two run alternately, `BENCH_ROUNDS` times (5
// by default); the figures are the medians, in bytes/s, and the peak RSS is the highest of the
// worker runs. Each round's objects are deleted before the next. The note lists every round,
// splits CPU time (worker, upload alone, s3rver) and wall time (before the first part, sending
// parts, CompleteMultipartUpload), and gives the peak heap and ArrayBuffer memory of both, so a
// miss can be traced to encoding, uploading or the server.
import { fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { defineExportType } from '@exportkit/core';
import { s3rverClientConfig, startS3rver } from '@exportkit/dev-servers';
import { memoryRowSource } from '@exportkit/memory';
import { S3ObjectStore } from '@exportkit/s3';
import { exportRunner } from './lib/measure-export.js';
import { emit, emitPeakRss, timed } from './lib/report.js';
import { listed, median, rounds } from './lib/rounds.js';
import { benchColumns, heldRows } from './lib/rows.js';
import { type S3Phases, trackS3Phases } from './lib/s3-phases.js';
import type { UploadResult, UploadRound } from './lib/upload-alone.js';
import type { Usage } from './lib/usage.js';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
// The store's defaults (5 MiB parts, 2 in flight) unless overridden for an experiment; the
// baseline always uses the same two values.
const partSize = Number(process.env.BENCH_S3_PART_MIB ?? 5) * 1024 * 1024;
const queueSize = Number(process.env.BENCH_S3_QUEUE ?? 2);
const dir = await mkdtemp(join(tmpdir(), 'exportkit-bench-s3-'));
const s3rver = await startS3rver({ buckets: ['ours', 'baseline'] });
const client = new S3Client(s3rverClientConfig(s3rver.endpoint));
const tracker = trackS3Phases(client);
const uploader = fork(fileURLToPath(new URL('./lib/upload-alone.js', import.meta.url)), {
  execArgv: ['--expose-gc'],
});

/** One round of the upload alone, in the child process. */
function uploadAlone(files: string[]): Promise<UploadResult> {
  const round: UploadRound = {
    endpoint: s3rver.endpoint,
    bucket: 'baseline',
    files,
    partSize,
    queueSize,
  };
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the uploader exited with ${code}`));
    uploader.once('exit', exited);
    uploader.once('message', (result) => {
      uploader.off('exit', exited);
      resolve(result as UploadResult);
    });
    uploader.send(round);
  });
}

try {
  const store = new S3ObjectStore({ client, bucket: 'ours', partSizeBytes: partSize, queueSize });
  const type = defineExportType({
    name: 'bench',
    columns: benchColumns,
    source: memoryRowSource({ columns: benchColumns, rows: () => heldRows(rows), estimate: rows }),
  });
  const runExport = await exportRunner(store, type, rows);
  const sourceSeconds = await timed(async () => {
    for (const _ of heldRows(rows));
  });

  const worker: Run[] = [];
  const baseline: Run[] = [];
  const files: string[] = [];
  let bytes = 0;
  let parts = 0;
  for (let round = 0; round < rounds; round++) {
    const serverStart = s3rver.cpuSeconds();
    const { manifest, ...run } = await runExport();
    worker.push({
      ...run,
      serverSeconds: s3rver.cpuSeconds() - serverStart,
      phases: tracker.phases(run.startedAt, run.seconds),
    });
    if (round === 0) {
      // The same bytes on local disk, so the baseline measures the upload alone.
      bytes = manifest.parts.reduce((sum, part) => sum + part.bytes, 0);
      parts = manifest.parts.length;
      for (const part of manifest.parts) {
        const file = join(dir, `part-${part.index}`);
        await pipeline(Readable.from(await store.get(part.key)), createWriteStream(file));
        files.push(file);
      }
    }
    // Each run's objects go, as the upload alone overwrites its own: s3rver's disk and the page
    // cache then take the same writes every round.
    const written: string[] = [];
    for await (const object of store.list('')) written.push(object.key);
    await store.delete(written);
    const baselineStart = s3rver.cpuSeconds();
    const alone = await uploadAlone(files);
    baseline.push({ ...alone, serverSeconds: s3rver.cpuSeconds() - baselineStart });
  }

  const oursSeconds = median(worker.map((r) => r.seconds));
  const baselineSeconds = median(baseline.map((r) => r.seconds));
  const mbPerSecond = (seconds: number) => Math.round(bytes / seconds / 1e4) / 100;
  const peak = (runs: Run[], pick: (r: Run) => number) => Math.max(...runs.map(pick));
  const phases = (runs: Run[]) =>
    (['beforeParts', 'parts', 'completing'] as const)
      .map((phase) => median(runs.map((r) => r.phases[phase])).toFixed(2))
      .join(' / ');
  emit({
    name: `worker → S3 (s3rver), ${rows.toLocaleString('en-US')} rows × 10 cols CSV (${(bytes / 1e6).toFixed(0)} MB, ${parts} part(s)) vs lib-storage Upload of the same bytes`,
    ours: mbPerSecond(oursSeconds),
    baseline: mbPerSecond(baselineSeconds),
    ratio: Math.round((baselineSeconds / oursSeconds) * 100) / 100,
    unit: 'MB/s',
    target: '>= 0.8',
    // The ceiling is the ratio the worker would reach if it took only its own CPU time (upload
    // fully overlapped, no waiting, no other process on its core).
    note: `median of ${rounds} alternating rounds; rows read alone ${sourceSeconds.toFixed(2)} s; ${partSize / 1024 / 1024} MiB parts × ${queueSize}; worker ${listed(worker.map((r) => r.seconds))} s (median ${Math.round(rows / oursSeconds).toLocaleString('en-US')} rows/s; CPU ${listed(worker.map((r) => r.cpuSeconds))} s + s3rver ${listed(worker.map((r) => r.serverSeconds))} s; event loop idle ${listed(worker.map((r) => r.idleSeconds))} s), upload alone ${listed(baseline.map((r) => r.seconds))} s (CPU ${listed(baseline.map((r) => r.cpuSeconds))} s + s3rver ${listed(baseline.map((r) => r.serverSeconds))} s); ratio per round ${listed(
      worker.map((r, i) => (baseline[i] as Run).seconds / r.seconds),
      2,
    )}; ratio ceiling ${(baselineSeconds / median(worker.map((r) => r.cpuSeconds))).toFixed(2)}; median s before the first part / sending parts / CompleteMultipartUpload: worker ${phases(worker)}, upload alone ${phases(baseline)}; peak heap/ArrayBuffers MB: worker ${peak(worker, (r) => r.heapMb)}/${peak(worker, (r) => r.arrayBuffersMb)}, upload alone ${peak(baseline, (r) => r.heapMb)}/${peak(baseline, (r) => r.arrayBuffersMb)}; peak RSS MB: worker ${listed(worker.map((r) => r.peakMb))}, upload alone ${listed(baseline.map((r) => r.peakMb))}`,
  });
  emitPeakRss(
    `peak RSS, worker → S3 (s3rver), ${rows.toLocaleString('en-US')} rows`,
    peak(worker, (r) => r.peakMb),
  );
} finally {
  uploader.disconnect();
  client.destroy();
  await s3rver.stop();
  await rm(dir, { recursive: true, force: true });
}

/** One measured run: its time, peak RSS, usage, phases, and the CPU s3rver spent meanwhile. */
interface Run extends Usage {
  seconds: number;
  serverSeconds: number;
  phases: S3Phases;
}
