import { createHash } from 'node:crypto';
import type { RowSource } from '@exportkit/core';
import { postgresRowSource, sql } from '@exportkit/postgres';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { openCsv, readAll, readText, sourceQuery } from './support/read.js';

/**
 * Filter values an attacker controls reach COPY as inlined constants: each must select exactly
 * the row holding it, on both paths, and leave the database untouched.
 */
const hostile = [
  "'); DROP TABLE x; --",
  "O'Brien",
  "''",
  "\\'; DROP TABLE x; --",
  '\\',
  'back\\slash\\',
  "E'\\x27'",
  '$$; DROP TABLE x; $$',
  '$ek$ $tag$',
  '"; DROP TABLE x; --',
  '/* comment */ --',
  'line\nbreak\r\nand\ttab',
  'ünïcødé ✓ 👩‍👩‍👧 עברית \u202e',
  '%_*?',
  ' leading and trailing ',
  'x'.repeat(1_000_000),
];

let db: TestDatabase;
let source: RowSource;

beforeAll(async () => {
  db = await openTestDatabase('hostile');
  await db.pool.query(
    'CREATE TABLE x (id int); CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL)',
  );
  for (const [i, name] of hostile.entries()) {
    await db.pool.query({ text: 'INSERT INTO people VALUES ($1, $2)', values: [i + 1, name] });
  }
  source = postgresRowSource({
    pool: db.pool,
    query: (q) => {
      const names = q.filters.names as string[] | undefined;
      return names
        ? sql`SELECT id, name FROM people WHERE name = ANY(${names}) ORDER BY id`
        : sql`SELECT id, name FROM people WHERE name = ${q.filters.name as string} ORDER BY id`;
    },
  });
});

afterAll(() => db?.close());

describe.each(hostile.map((value, i) => ({ value, id: i + 1, label: value.slice(0, 30) })))(
  'the value $label',
  ({ value, id }) => {
    it('selects exactly its row on the cursor path', async () => {
      const rows = await readAll(
        await source.open(sourceQuery({ name: value }), { signal: new AbortController().signal }),
      );
      expect(rows).toEqual([[id, value]]);
    });

    it('selects exactly its row on the COPY path', async () => {
      const text = await readText(await openCsv(source, sourceQuery({ name: value })));
      expect(text.split(/[,\n]/, 1)[0]).toBe(String(id));
      expect(text.length).toBeGreaterThanOrEqual(value.length);
    });
  },
);

describe('every hostile value at once, as an array parameter', () => {
  it('returns every row on both paths and drops nothing', async () => {
    const query = sourceQuery({ names: hostile });
    const rows = await readAll(await source.open(query, { signal: new AbortController().signal }));
    expect(rows.map((r) => r[1])).toEqual(hostile);
    const text = await readText(await openCsv(source, query));
    expect(text.match(/^\d+,/gm)?.map((m) => Number(m.slice(0, -1)))).toEqual(
      hostile.map((_, i) => i + 1),
    );
    const tables = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = '${db.schema}' AND tablename IN ('x', 'people')`,
    );
    expect(tables.rows[0].n).toBe(2);
  });
});

describe('a NUL byte', () => {
  it('is rejected with INVALID_FILTERS on both paths, before a connection is taken', async () => {
    const query = sourceQuery({ name: 'before\0after' });
    await expect(
      source.open(query, { signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: 'INVALID_FILTERS',
    });
    await expect(openCsv(source, query)).rejects.toMatchObject({ code: 'INVALID_FILTERS' });
    await expect(openCsv(source, sourceQuery({ names: ['ok', 'a\0'] }))).rejects.toMatchObject({
      code: 'INVALID_FILTERS',
    });
    expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
  });
});

describe('any string without NUL', () => {
  it('reaches COPY as exactly itself (md5 computed by the server matches)', async () => {
    const echo = postgresRowSource({
      pool: db.pool,
      query: (q) => sql`SELECT md5(${q.filters.value as string}) AS h ORDER BY 1`,
    });
    const alphabet = fc.constantFrom(
      "'",
      "''",
      '\\',
      '"',
      '$',
      '$$',
      '-',
      '--',
      '/*',
      '*/',
      ';',
      '\n',
      '\r',
      'E',
      ' ',
      'ü',
      '😀',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')),
        async (value) => {
          const text = await readText(await openCsv(echo, sourceQuery({ value })));
          expect(text).toBe(`${createHash('md5').update(value, 'utf8').digest('hex')}\n`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
