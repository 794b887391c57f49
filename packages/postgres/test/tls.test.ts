import type { TlsRelay } from '@exportkit/dev-servers';
import { postgresRowSource, sql } from '@exportkit/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { openCsv, readText, sourceQuery } from './support/read.js';
import { startTlsProxy } from './support/tls-proxy.js';

/*
 * The COPY path reads the connection's socket itself (CopyOut). Managed databases require TLS,
 * where that socket is a TLSSocket whose reads follow TLS records (16 KiB), not the server's
 * writes: the same exports, read over TLS and over plain TCP, must give the same bytes.
 */

let db: TestDatabase;
let proxy: TlsRelay;
let tlsPool: pg.Pool;

beforeAll(async () => {
  db = await openTestDatabase('tls');
  await db.pool.query(`CREATE TABLE notes AS
    SELECT g AS id, 'line ' || g || E'\\n"quoted", ü ✓ ' || repeat('x', g % 300) AS body
    FROM generate_series(1, 20000) g;
    ALTER TABLE notes ADD PRIMARY KEY (id)`);
  const url = new URL(db.url);
  proxy = await startTlsProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  url.searchParams.delete('sslmode');
  tlsPool = db.newPool({
    connectionString: url.toString(),
    ssl: { ca: proxy.ca }, // the proxy's self-signed certificate, verified as a CA's would be
    max: 2,
  });
});

afterAll(async () => {
  await tlsPool?.end();
  await proxy?.close();
  await db?.close();
});

const notes = (pool: pg.Pool, query = sql`SELECT id, body FROM notes ORDER BY id`) =>
  postgresRowSource({ pool, query: () => query });

describe('COPY path over TLS', () => {
  it('gives the same bytes as over plain TCP', async () => {
    const plain = await readText(await openCsv(notes(db.pool), sourceQuery()));
    const overTls = await readText(await openCsv(notes(tlsPool), sourceQuery()));
    expect(proxy.tlsSessions).toBeGreaterThan(0);
    expect(overTls.length).toBeGreaterThan(3_000_000);
    expect(overTls === plain).toBe(true);
    expect(tlsPool.totalCount - tlsPool.idleCount).toBe(0);
  });

  it('fails with the server error raised mid-COPY, and the pool reads on', async () => {
    const failing = notes(tlsPool, sql`SELECT id, 1 / (15000 - id) AS x FROM notes ORDER BY id`);
    await expect(readText(await openCsv(failing, sourceQuery()))).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      message: expect.stringContaining('division by zero'),
    });
    expect((await tlsPool.query('SELECT count(*)::int AS n FROM notes')).rows).toEqual([
      { n: 20000 },
    ]);
  });
});
