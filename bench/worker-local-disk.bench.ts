// A 1,000,000-row × 10-column export through the whole worker (claim, encoder, parts, sha256,
// manifest, commit) into the local-disk store, beside a baseline in the same run: as CSV
// against csv-stringify's stream API writing the same rows to one file, and as NDJSON against
// the hand-built way (an object per row, `JSON.stringify` with a bigint replacer, one line per
// stream chunk, into one file). Peak RSS is sampled for the worker runs alone; rows are
// generated lazily so the dataset itself costs no memory.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { defineExportType } from '@exportkit/core';
import { LocalDiskObjectStore } from '@exportkit/local-disk';
import { memoryRowSource } from '@exportkit/memory';
import { stringify } from 'csv-stringify';
import { jsonLines } from './lib/json-lines.js';
import { exportRunner } from './lib/measure-export.js';
import { emit, emitPeakRss, timed } from './lib/report.js';
import { benchColumns, benchRows } from './lib/rows.js';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = await mkdtemp(join(tmpdir(), 'exportkit-bench-'));

try {
  const store = new LocalDiskObjectStore({ root: join(dir, 'store') });
  const type = defineExportType({
    name: 'bench',
    columns: benchColumns,
    source: memoryRowSource({ columns: benchColumns, rows: () => benchRows(rows), estimate: rows }),
  });
  const csv = await (await exportRunner(store, type, rows))();
  // The baselines run after ours, so their garbage cannot inflate our peak RSS.
  const csvBaseline = await timed(() =>
    pipeline(
      Readable.from(benchRows(rows)),
      stringify({
        header: true,
        columns: benchColumns.map((c) => c.name),
        record_delimiter: '\r\n',
        cast: { date: (d) => d.toISOString(), boolean: (b) => String(b), bigint: (b) => String(b) },
      }),
      createWriteStream(join(dir, 'baseline.csv')),
    ),
  );
  report('CSV', 'csv-stringify', csv.seconds, csvBaseline, csv.peakMb);

  const ndjson = await (await exportRunner(store, type, rows, 'ndjson'))();
  const ndjsonBaseline = await timed(() =>
    pipeline(
      Readable.from(jsonLines(benchColumns, benchRows(rows))),
      createWriteStream(join(dir, 'baseline.ndjson')),
    ),
  );
  report('NDJSON', 'JSON.stringify lines', ndjson.seconds, ndjsonBaseline, ndjson.peakMb);
} finally {
  await rm(dir, { recursive: true, force: true });
}

function report(
  format: string,
  baselineName: string,
  oursSeconds: number,
  baselineSeconds: number,
  peakMb: number,
): void {
  const ours = Math.round(rows / oursSeconds);
  const baseline = Math.round(rows / baselineSeconds);
  const label = `${rows.toLocaleString('en-US')} rows`;
  // The CSV names stay as they were, so bench/results.json keeps one history per figure.
  const suffix = format === 'CSV' ? '' : ` (${format})`;
  emit({
    name: `worker → local disk, ${label} × 10 cols (${format}) vs ${baselineName} → file`,
    ours,
    baseline,
    ratio: Math.round((ours / baseline) * 100) / 100,
    unit: 'rows/s',
  });
  emitPeakRss(`peak RSS, worker → local disk, ${label}${suffix}`, peakMb);
}
