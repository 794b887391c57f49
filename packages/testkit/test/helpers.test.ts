import { ExportkitError, isExportId } from '@exportkit/core';
import {
  collect,
  concatBytes,
  conformanceDataset,
  expectExportkitError,
  hasInCauseChain,
  jobKey,
  makeJobRecord,
  parseCsv,
} from '@exportkit/testkit';
import { describe, expect, it } from 'vitest';

describe('testkit helpers', () => {
  it('makeJobRecord builds a valid queued record and applies overrides', () => {
    const job = makeJobRecord({ tenantId: 'tenant-b', status: 'running' });
    expect(isExportId(job.exportId)).toBe(true);
    expect(job).toMatchObject({
      tenantId: 'tenant-b',
      status: 'running',
      attempts: 0,
      type: 'orders',
    });
    expect(job.request.tenantId).toBe('tenant-b');
    expect(makeJobRecord().exportId).not.toBe(job.exportId);
    expect(jobKey(job)).toEqual({ tenantId: 'tenant-b', exportId: job.exportId });
  });

  it('collect and concatBytes read a stream into one buffer', async () => {
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([1, 2]);
      yield new Uint8Array([]);
      yield new Uint8Array([3]);
    };
    expect(concatBytes(await collect(chunks()))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('parseCsv reads quoted fields and refuses malformed text', () => {
    expect(parseCsv('1,"a,""b""\r\nc",\r\n2,x,y\r\n', ',', 'crlf')).toEqual([
      ['1', 'a,"b"\r\nc', ''],
      ['2', 'x', 'y'],
    ]);
    expect(parseCsv('1;2\n', ';', 'lf')).toEqual([['1', '2']]);
    expect(parseCsv('', ',', 'lf')).toEqual([]);
    expect(() => parseCsv('1,2', ',', 'lf')).toThrow(/line ending/);
    expect(() => parseCsv('1,2\n', ',', 'crlf')).toThrow(/Unquoted/);
    expect(() => parseCsv('"open\n', ',', 'lf')).toThrow(/Unterminated/);
    expect(() => parseCsv('1,\n2,', ',', 'lf')).toThrow(/line ending/);
  });

  it('hasInCauseChain follows causes', () => {
    const root = new Error('root');
    expect(
      hasInCauseChain(new Error('outer', { cause: new Error('mid', { cause: root }) }), root),
    ).toBe(true);
    expect(hasInCauseChain(new Error('other'), root)).toBe(false);
  });

  it('expectExportkitError passes on the code and fails on anything else', async () => {
    await expectExportkitError(
      Promise.reject(new ExportkitError('INVALID_KEY', 'bad')),
      'INVALID_KEY',
    );
    await expect(expectExportkitError(Promise.resolve(1), 'INVALID_KEY')).rejects.toThrow(
      /nothing was thrown/,
    );
    await expect(
      expectExportkitError(Promise.reject(new ExportkitError('CONFLICT', 'x')), 'INVALID_KEY'),
    ).rejects.toThrow(/CONFLICT/);
  });

  it('conformanceDataset holds the awkward values the suites rely on', () => {
    const { rows } = conformanceDataset(9);
    expect(rows.map((row) => row[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.some((row) => row[1].includes('\n'))).toBe(true);
    expect(rows.some((row) => row[3] === null)).toBe(true);
  });
});
