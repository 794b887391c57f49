// PostgreSQL → CSV → local disk through the whole worker (claim, parts, sha256, manifest,
// commit), on the COPY fast path (values in core's contract, and PostgreSQL's native text) and
// on the cursor path, beside psql's `\copy (same query) to
// file csv header` in the same run. 1,000,000 rows × 10 mixed columns generated into a table
// with generate_series. Each path runs in its own process (this file starts itself once per
// path), so each peak RSS is that path's alone, sampled during its worker runs. In each, psql
// and the worker run alternately `BENCH_ROUNDS` times (5 by default): the figures are the
// medians, the peak RSS the highest of the worker runs, and the note lists every round.
//
//   pnpm bench postgres                       # DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
//   BENCH_ROWS=5000000 BENCH_PG_PATHS=copy,cursor pnpm bench postgres
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defineExportType } from '@exportkit/core';
import { LocalDiskObjectStore } from '@exportkit/local-disk';
import { postgresRowSource, sql } from '@exportkit/postgres';
import pg from 'pg';
import { exportRunner, type MeasuredExport } from './lib/measure-export.js';
import { emit, emitPeakRss, timed } from './lib/report.js';
import { listed, median, rounds } from './lib/rounds.js';

const allPaths = ['copy', 'copy-native', 'cursor'] as const;
if (!process.env.BENCH_PG_PATHS) {
  for (const path of allPaths) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1] ?? ''], {
      env: { ...process.env, BENCH_PG_PATHS: path },
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = 1;
  }
  process.exit();
}

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `exportkit_bench_${randomBytes(3).toString('hex')}`;
const dir = await mkdtemp(join(tmpdir(), 'exportkit-pg-bench-'));
const pool = new pg.Pool({ connectionString: url, max: 4 });
const label = `${rows.toLocaleString('en-US')} rows × 10 cols`;

const columns = 'id, customer, email, amount, quantity, ratio, active, created_at, ship_date, note';
const selectText = `SELECT ${columns} FROM "${schema}".orders ORDER BY id`;

try {
  await pool.query(`CREATE SCHEMA "${schema}";
    CREATE TABLE "${schema}".orders (id bigint PRIMARY KEY, customer text, email text, amount numeric(12, 2),
      quantity int, ratio float8, active boolean, created_at timestamptz, ship_date date, note text);
    INSERT INTO "${schema}".orders SELECT g, 'Customer ' || (g % 9973) || CASE WHEN g % 10 = 0 THEN ', "VIP"' ELSE '' END,
      'user' || g || '@example.com', round((g % 100000) / 7.0, 2), g % 50, (g % 1000) / 8.0, g % 3 = 0,
      timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', date '2024-01-01' + (g % 365),
      CASE WHEN g % 100 = 0 THEN E'multi\\nline note ' || g WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END
    FROM generate_series(1, ${rows}) g;
    `);
  // A fresh table's first reads set hint bits (writes), and its autovacuum would start during
  // the measured runs, competing for this machine's two cores: settle both before timing.
  await pool.query(`VACUUM (ANALYZE) "${schema}".orders`);
  await pool.query('CHECKPOINT').catch(() => undefined); // needs a superuser; a nicety only

  // Baseline: psql's client-side COPY of the same query into a file.
  const psqlFile = join(dir, 'psql.csv');
  const psql = () =>
    timed(() =>
      promisify(execFile)('psql', [
        url,
        '-X',
        '-q',
        '-c',
        `\\copy (${selectText}) to '${psqlFile}' csv header`,
      ]),
    );

  const wanted = process.env.BENCH_PG_PATHS?.split(',');
  for (const path of allPaths.filter((p) => !wanted || wanted.includes(p))) {
    const store = new LocalDiskObjectStore({ root: join(dir, path) });
    const type = defineExportType({
      name: 'orders',
      columns: columns.split(', '),
      formats: ['csv'],
      source: postgresRowSource({
        pool,
        copy: path !== 'cursor',
        copyValues: path === 'copy-native' ? 'native' : 'contract',
        query:
          () => sql`SELECT id, customer, email, amount, quantity, ratio, active, created_at, ship_date, note
          FROM ${sql.identifier(schema)}.orders ORDER BY id`,
      }),
    });
    const runExport = await exportRunner(store, type, rows);
    const psqlSeconds: number[] = [];
    const runs: MeasuredExport[] = [];
    for (let round = 0; round < rounds; round++) {
      psqlSeconds.push(await psql());
      const run = await runExport();
      if (run.manifest.path !== (path === 'cursor' ? 'rows' : 'encoded')) {
        throw new Error(`ran on the ${run.manifest.path} path`);
      }
      runs.push(run);
      // Each run's files go, so the page cache and the disk hold the same amount every round.
      await rm(join(dir, path), { recursive: true, force: true });
    }
    const psqlBytes = (await stat(psqlFile)).size;
    const manifest = (runs[0] as MeasuredExport).manifest;
    const seconds = runs.map((run) => run.seconds);
    const ours = Math.round(rows / median(seconds));
    const baseline = Math.round(rows / median(psqlSeconds));
    emit({
      name: `postgres ${path} path → worker → local disk, ${label} vs psql \\copy → file`,
      ours,
      baseline,
      ratio: Math.round((ours / baseline) * 100) / 100,
      unit: 'rows/s',
      target: path === 'cursor' ? '>= 0.4' : '>= 0.8',
      note: `median of ${rounds} alternating rounds: worker ${listed(seconds, 2)} s, psql ${listed(psqlSeconds, 2)} s (ratio per round ${listed(
        seconds.map((s, i) => (psqlSeconds[i] as number) / s),
        2,
      )}); ${(manifest.totals.bytes / 1e6).toFixed(0)} MB in ${manifest.totals.parts} parts; psql wrote ${(psqlBytes / 1e6).toFixed(0)} MB; worker CPU ${listed(runs.map((run) => run.cpuSeconds))} s; worker peak heap/ArrayBuffers ${Math.max(...runs.map((run) => run.heapMb))}/${Math.max(...runs.map((run) => run.arrayBuffersMb))} MB; worker peak RSS ${listed(runs.map((run) => run.peakMb))} MB`,
    });
    emitPeakRss(
      `peak RSS, postgres ${path} path → local disk, ${rows.toLocaleString('en-US')} rows`,
      Math.max(...runs.map((run) => run.peakMb)),
    );
  }
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await pool.end();
  await rm(dir, { recursive: true, force: true });
}
