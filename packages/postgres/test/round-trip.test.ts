import { Exporter, type ExportTypeDefinition, ExportWorker, type Manifest } from '@exportkit/core';
import { MemoryObjectStore } from '@exportkit/memory';
import {
  migrate,
  PostgresJobStore,
  PostgresQueue,
  postgresRowSource,
  sql,
} from '@exportkit/postgres';
import { collect, concatBytes } from '@exportkit/testkit';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';

/*
 * The round trip: every common column type exported through the whole worker on both
 * paths, loaded back with COPY ... FROM ... CSV and compared with EXCEPT both ways.
 */

const columns = `id int PRIMARY KEY, big bigint, amount numeric, note text, at timestamptz, day date,
  flag boolean, doc jsonb, bin bytea, uid uuid, tags text[], nums int[]`;

let db: TestDatabase;
const store = new MemoryObjectStore();
let exporter: Exporter;
let worker: ExportWorker;
let queue: PostgresQueue;
const manifests = new Map<string, Manifest>();

beforeAll(async () => {
  db = await openTestDatabase('round_trip');
  await migrate(db.pool, { schema: db.schema });
  await db.pool.query(`CREATE TABLE source (${columns});
    INSERT INTO source SELECT g,
      CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN 9223372036854775807 - g WHEN 2 THEN -g::bigint * 1000000007 ELSE g END,
      CASE WHEN g % 7 = 0 THEN NULL ELSE ('12345678901234567890.' || lpad(g::text, 9, '0'))::numeric * (CASE WHEN g % 2 = 0 THEN -1 ELSE 1 END) END,
      CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN 'comma, "quote" ' || g WHEN 2 THEN E'line\\nbreak\\r\\ncrlf ' || g
        WHEN 3 THEN ' padded ünïcødé ✓ ' || g WHEN 4 THEN E'back\\\\slash \\t tab' || g ELSE 'plain' || g END,
      CASE WHEN g % 5 = 0 THEN NULL ELSE timestamptz '1970-01-01 00:00:00+00' + g * interval '987654.321 seconds' END,
      CASE WHEN g % 8 = 0 THEN NULL ELSE date '1999-12-31' + g END,
      CASE g % 3 WHEN 0 THEN NULL WHEN 1 THEN true ELSE false END,
      CASE WHEN g % 9 = 0 THEN NULL ELSE jsonb_build_object('n', g, 's', E'q"u,o\\nte', 'a', jsonb_build_array(1.5, null, 'ü')) END,
      CASE WHEN g % 10 = 0 THEN NULL ELSE decode(md5(g::text) || md5((g * 7)::text), 'hex') END,
      CASE WHEN g % 11 = 0 THEN NULL ELSE md5(g::text)::uuid END,
      CASE WHEN g % 12 = 0 THEN NULL ELSE ARRAY['a', E'b,"c"' || g, NULL] END,
      CASE WHEN g % 13 = 0 THEN NULL ELSE ARRAY[g, -g] END
    FROM generate_series(1, 1000) g;`);

  const type = (
    name: string,
    copy: boolean,
    copyValues?: 'native' | 'contract',
  ): ExportTypeDefinition => ({
    name,
    columns: [
      'id',
      'big',
      'amount',
      'note',
      'at',
      'day',
      'flag',
      'doc',
      'bin',
      'uid',
      'tags',
      'nums',
    ],
    formats: ['csv'],
    parts: { maxRowsPerPart: 300 },
    source: postgresRowSource({
      pool: db.pool,
      copy,
      ...(copyValues ? { copyValues } : {}),
      query: () => sql`SELECT * FROM source ORDER BY id`,
    }),
  });
  const types = [
    type('copy_path', true, 'contract'),
    type('copy_native', true, 'native'),
    type('cursor_path', false),
  ];
  const jobStore = new PostgresJobStore({ pool: db.pool, schema: db.schema });
  queue = new PostgresQueue({ pool: db.pool, schema: db.schema });
  exporter = new Exporter({ jobStore, queue, store, types });
  worker = new ExportWorker({ jobStore, queue, store, types });
});

afterAll(async () => {
  await queue?.close();
  await db?.close();
});

/** Runs one export through the Postgres job store and queue, and returns its manifest. */
async function runExport(type: string): Promise<Manifest> {
  const { export: view } = await exporter.request({ type, tenantId: 'acme', format: 'csv' });
  const [message] = await queue.receive({ visibilityTimeoutMs: 60_000, waitTimeMs: 2000 });
  expect(message?.body.exportId).toBe(view.exportId);
  expect(await worker.processMessage(message!)).toEqual({ outcome: 'succeeded' });
  const job = await new PostgresJobStore({ pool: db.pool, schema: db.schema }).get({
    tenantId: 'acme',
    exportId: view.exportId,
  });
  const manifestBytes = concatBytes(await collect(await store.get(job!.result!.manifestKey)));
  return JSON.parse(new TextDecoder().decode(manifestBytes)) as Manifest;
}

/**
 * Loads every part with COPY FROM CSV HEADER into a table like `source`. COPY cannot read
 * base64, which core's contract writes for binary, so `bin` lands in a text column first and is
 * decoded in the INSERT: the only conversion (none for `copyValues: 'native'`, whose `\x` hex
 * COPY reads as is).
 */
async function loadBack(manifest: Manifest, table: string, base64: boolean): Promise<void> {
  const staging = `${table}_staging`;
  await db.pool.query(
    `CREATE TABLE ${table} (${columns}); CREATE TABLE ${staging} (${columns.replace('bin bytea', 'bin text')})`,
  );
  const client = await db.pool.connect();
  try {
    for (const part of manifest.parts) {
      const bytes = concatBytes(await collect(await store.get(part.key)));
      const sink = client.query(copyFrom(`COPY ${staging} FROM STDIN (FORMAT csv, HEADER true)`));
      await new Promise<void>((resolve, reject) => {
        sink.on('error', reject);
        sink.on('finish', resolve);
        sink.end(Buffer.from(bytes));
      });
    }
  } finally {
    client.release();
  }
  const bin = base64 ? `decode(bin, 'base64')` : 'bin::bytea';
  await db.pool.query(`INSERT INTO ${table} SELECT id, big, amount, note, at, day, flag, doc, ${bin},
    uid, tags, nums FROM ${staging}`);
}

async function differences(
  table: string,
): Promise<{ missing: number; extra: number; rows: number }> {
  const result = await db.pool.query(`SELECT
    (SELECT count(*) FROM (SELECT * FROM source EXCEPT SELECT * FROM ${table}) d)::int AS missing,
    (SELECT count(*) FROM (SELECT * FROM ${table} EXCEPT SELECT * FROM source) d)::int AS extra,
    (SELECT count(*) FROM ${table})::int AS rows`);
  return result.rows[0];
}

describe('round trip through the worker', () => {
  it.each([
    ['copy_path', 'encoded'],
    ['copy_native', 'encoded'],
    ['cursor_path', 'rows'],
  ])(
    '%s: parts load back with COPY FROM CSV and equal the source (EXCEPT both ways)',
    async (type, path) => {
      const manifest = await runExport(type);
      manifests.set(type, manifest);
      expect(manifest.path).toBe(path);
      expect(manifest.parts.length).toBe(4);
      expect(manifest.totals.rows).toBe(1000);
      await loadBack(manifest, `back_${type}`, type !== 'copy_native');
      expect(await differences(`back_${type}`)).toEqual({ missing: 0, extra: 0, rows: 1000 });
    },
  );

  it("the COPY path with copyValues 'contract' and the cursor path write byte-identical parts", () => {
    const sums = (type: string) => manifests.get(type)?.parts.map((part) => part.sha256);
    expect(sums('copy_path')).toHaveLength(4);
    expect(sums('copy_path')).toEqual(sums('cursor_path'));
  });
});
