// A 1,000,000-row × 10-column CSV export through the whole worker (claim, encoder, parts,
// sha256, manifest, commit) into the local-disk store, beside a baseline in the same run:
// csv-stringify's stream API writing the same rows to one file. Peak RSS is sampled for the
// worker run alone; rows are generated lazily so the dataset itself costs no memory.
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
import { measureExport } from './lib/measure-export.js';
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
  const { seconds: oursSeconds, peakMb } = await measureExport(store, type, rows);

  // The baseline runs after ours, so its garbage cannot inflate our peak RSS.
  const baselineSeconds = await timed(() =>
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

  const ours = Math.round(rows / oursSeconds);
  const baseline = Math.round(rows / baselineSeconds);
  emit({
    name: `worker → local disk, ${rows.toLocaleString('en-US')} rows × 10 cols (CSV) vs csv-stringify → file`,
    ours,
    baseline,
    ratio: Math.round((ours / baseline) * 100) / 100,
    unit: 'rows/s',
  });
  emitPeakRss(`peak RSS, worker → local disk, ${rows.toLocaleString('en-US')} rows`, peakMb);
} finally {
  await rm(dir, { recursive: true, force: true });
}
