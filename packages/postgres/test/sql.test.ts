import { describe, expect, it } from 'vitest';
import { inlineQuery } from '../src/literal.js';
import { sql } from '../src/sql.js';
import { scanSql } from '../src/sql-lexer.js';

describe('sql tag', () => {
  it('numbers placeholders, splices fragments with their values, and quotes identifiers', () => {
    const filter = sql`AND status = ${'open'}`;
    const query = sql`SELECT ${sql.identifier('we"ird')} FROM t WHERE a = ${1} ${filter} AND b IN (${sql.join([2, 3])})`;
    expect(query.text).toBe(
      'SELECT "we""ird" FROM t WHERE a = $1 AND status = $2 AND b IN ($3, $4)',
    );
    expect(query.values).toEqual([1, 'open', 2, 3]);
  });

  it('inlines values as escape-string constants', () => {
    const query = sql`SELECT * FROM t WHERE a = ${"it's \\ here"} AND b = ${null} AND c = ANY(${['x"y', null]}) AND d = ${new Date(0)}`;
    expect(inlineQuery(query)).toBe(
      // A space before each constant keeps it from fusing with a preceding word.
      `SELECT * FROM t WHERE a =  E'it''s \\\\ here' AND b =  NULL AND c = ANY( E'{"x\\\\"y",NULL}') AND d =  E'1970-01-01T00:00:00.000Z'`,
    );
  });
});

describe('scanSql', () => {
  it.each([
    ['SELECT 1 ORDER BY 1', true],
    ['SELECT 1 order\n  by 1', true],
    ['SELECT row_number() OVER (ORDER BY id) FROM t', false],
    ["SELECT 'order by' FROM t", false],
    ['SELECT 1 -- order by 1', false],
    ['SELECT 1 /* order /* by */ x */', false],
    ['SELECT $$ order by $$', false],
    ['SELECT $t$ order by $t$ FROM t ORDER BY 1', true],
    ['SELECT "order by" FROM t', false],
    ['SELECT * FROM (SELECT 1 ORDER BY 1) x', false],
    ["SELECT E'\\' order by' FROM t", false],
    ['SELECT a$b FROM t ORDER BY a$b', true],
  ])('%j has a top-level ORDER BY: %s', (text, expected) => {
    expect(scanSql([text]).topLevelOrderBy).toBe(expected);
  });

  it('flags value positions inside strings, identifiers and comments', () => {
    const at = (pieces: string[]) => scanSql(pieces).boundariesInCode;
    expect(at(['a = ', ' AND b = ', ''])).toEqual([true, true]);
    expect(at(["a LIKE '%", "%'"])).toEqual([false]);
    expect(at(['-- note ', '\nSELECT 1'])).toEqual([false]);
    expect(at(['/* ', ' */'])).toEqual([false]);
    expect(at(['SELECT "', '"'])).toEqual([false]);
    expect(at(['SELECT $$', '$$'])).toEqual([false]);
    expect(at(["SELECT 'it''s' = ", ''])).toEqual([true]);
  });
});
