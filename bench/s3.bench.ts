// A 1,000,000-row × 10-column CSV export through the whole worker into S3 (s3rver, a real S3 API
// server in a child process), beside a baseline in the same run: lib-storage's `Upload` alone
// sending the same bytes (the exported parts, first copied to local files untimed) with the
// same part size and concurrency. Both figures are bytes/s; peak RSS is sampled for the worker
// run alone. The note splits CPU time (worker process, upload alone, s3rver) and gives the peak
// heap and ArrayBuffer memory of both runs, so a miss can be traced to encoding, uploading or
// the server.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { defineExportType } from '@exportkit/core';
import { s3rverCredentials, startS3rver } from '@exportkit/dev-servers';
import { memoryRowSource } from '@exportkit/memory';
import { S3ObjectStore } from '@exportkit/s3';
import { measureExport } from './lib/measure-export.js';
import { emit, emitPeakRss, timed } from './lib/report.js';
import { benchColumns, benchRows } from './lib/rows.js';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
// The store's defaults (5 MiB parts, 2 in flight) unless overridden for an experiment; the
// baseline always uses the same two values.
const partSize = Number(process.env.BENCH_S3_PART_MIB ?? 5) * 1024 * 1024;
const queueSize = Number(process.env.BENCH_S3_QUEUE ?? 2);
const dir = await mkdtemp(join(tmpdir(), 'exportkit-bench-s3-'));
const s3rver = await startS3rver({ buckets: ['ours', 'baseline'] });
const client = new S3Client({
  endpoint: s3rver.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: s3rverCredentials,
});

try {
  const store = new S3ObjectStore({ client, bucket: 'ours', partSizeBytes: partSize, queueSize });
  const type = defineExportType({
    name: 'bench',
    columns: benchColumns,
    source: memoryRowSource({ columns: benchColumns, rows: () => benchRows(rows), estimate: rows }),
  });
  const oursUsage = trackUsage(s3rver.cpuSeconds);
  const { seconds: oursSeconds, peakMb, manifest } = await measureExport(store, type, rows);
  const oursUse = oursUsage.stop();
  const bytes = manifest.parts.reduce((sum, part) => sum + part.bytes, 0);

  // The same bytes on local disk, so the baseline measures the upload alone.
  const files: string[] = [];
  for (const part of manifest.parts) {
    const file = join(dir, `part-${part.index}`);
    await pipeline(Readable.from(await store.get(part.key)), createWriteStream(file));
    files.push(file);
  }
  global.gc?.();
  const baselineUsage = trackUsage(s3rver.cpuSeconds);
  const baselineSeconds = await timed(async () => {
    for (const [i, file] of files.entries()) {
      const upload = new Upload({
        client,
        params: {
          Bucket: 'baseline',
          Key: `part-${i}`,
          Body: createReadStream(file, { highWaterMark: 1024 * 1024 }),
        },
        partSize,
        queueSize,
      });
      await upload.done();
    }
  });
  const baselineUse = baselineUsage.stop();

  const ours = Math.round(bytes / oursSeconds / 1e4) / 100;
  const baseline = Math.round(bytes / baselineSeconds / 1e4) / 100;
  const mb = (bytes / 1e6).toFixed(0);
  emit({
    name: `worker → S3 (s3rver), ${rows.toLocaleString('en-US')} rows × 10 cols CSV (${mb} MB, ${manifest.parts.length} part(s)) vs lib-storage Upload of the same bytes`,
    ours,
    baseline,
    ratio: Math.round((ours / baseline) * 100) / 100,
    unit: 'MB/s',
    target: '>= 0.8',
    // The ceiling is the ratio the worker would reach if it took only its own CPU time (upload
    // fully overlapped, no waiting, no other process on its core).
    note: `${partSize / 1024 / 1024} MiB parts × ${queueSize}; worker ${oursSeconds.toFixed(1)} s (${Math.round(rows / oursSeconds).toLocaleString('en-US')} rows/s, CPU ${oursUse.cpu}, event loop idle ${oursUse.idleSeconds.toFixed(1)} s), upload alone ${baselineSeconds.toFixed(1)} s (CPU ${baselineUse.cpu}); ratio ceiling ${(baselineSeconds / oursUse.cpuSeconds).toFixed(2)}; peak heap/ArrayBuffers MB: worker ${oursUse.heapMb}/${oursUse.arrayBuffersMb}, upload alone ${baselineUse.heapMb}/${baselineUse.arrayBuffersMb}`,
  });
  emitPeakRss(`peak RSS, worker → S3 (s3rver), ${rows.toLocaleString('en-US')} rows`, peakMb);
} finally {
  client.destroy();
  await s3rver.stop();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Samples heap and ArrayBuffer memory every 20 ms and, on `stop()`, reports their peaks, the
 * CPU seconds this process and s3rver spent meanwhile (`cpu` reads "this process + s3rver"),
 * and how long the event loop sat idle (waiting for I/O: here, for the upload).
 */
function trackUsage(serverCpuSeconds: () => number): {
  stop(): {
    cpu: string;
    cpuSeconds: number;
    idleSeconds: number;
    heapMb: number;
    arrayBuffersMb: number;
  };
} {
  let heap = 0;
  let arrayBuffers = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    heap = Math.max(heap, usage.heapUsed);
    arrayBuffers = Math.max(arrayBuffers, usage.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, 20);
  const cpuStart = process.cpuUsage();
  const loopStart = performance.eventLoopUtilization();
  const serverStart = serverCpuSeconds();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpu = process.cpuUsage(cpuStart);
      const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
      const own = (cpu.user + cpu.system) / 1e6;
      const server = (serverCpuSeconds() - serverStart).toFixed(1);
      return {
        cpu: `${own.toFixed(1)} s + s3rver ${server} s`,
        cpuSeconds: own,
        idleSeconds: performance.eventLoopUtilization(loopStart).idle / 1000,
        heapMb: mb(heap),
        arrayBuffersMb: mb(arrayBuffers),
      };
    },
  };
}
