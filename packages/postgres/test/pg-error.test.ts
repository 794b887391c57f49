import { isExportkitError } from '@exportkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapPgError } from '../src/pg-error.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase('pg_error');
});
afterAll(() => db?.close());

/** What the real server answers to `sql`, as pg throws it. */
async function serverError(sql: string): Promise<unknown> {
  return db.pool.query(sql).then(
    () => {
      throw new Error(`expected ${sql} to fail`);
    },
    (error: unknown) => error,
  );
}

describe('wrapPgError', () => {
  it('keeps SQLSTATE classes from the server: a syntax error is final, a missing table a config hint', async () => {
    const syntax = wrapPgError(await serverError('SELEC 1'), 'QUEUE_ERROR', 'Receiving');
    expect(syntax.retryable).toBe(false);
    expect(syntax.details).toMatchObject({ sqlState: '42601' });
    const missing = wrapPgError(
      await serverError('SELECT * FROM no_such_table'),
      'QUEUE_ERROR',
      'x',
    );
    expect(isExportkitError(missing, 'INVALID_CONFIG')).toBe(true);
    expect(missing.message).toMatch(/migrate\(pool\)/);
  });

  it('keeps a dropped connection retryable, though EPIPE looks like a SQLSTATE', () => {
    for (const code of ['EPIPE', 'ECONNRESET', 'ETIMEDOUT']) {
      const socket = Object.assign(new Error(`write ${code}`), { code, syscall: 'write' });
      const error = wrapPgError(socket, 'SOURCE_ERROR', 'Reading rows');
      expect({ code, retryable: error.retryable }).toEqual({ code, retryable: true });
      expect(error.details).toBeUndefined();
    }
  });
});
