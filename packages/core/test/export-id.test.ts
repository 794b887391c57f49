import { describe, expect, it } from 'vitest';
import {
  assertExportId,
  type CanonicalRequest,
  canonicalize,
  computeExportId,
  defineExportType,
  type ExportRequest,
  ExportTypeRegistry,
  isExportkitError,
  type RowSource,
} from '../src/index.js';

const source: RowSource = {
  name: 'none',
  async open() {
    return { columns: [], batches: (async function* () {})() };
  },
};

const registry = new ExportTypeRegistry([
  defineExportType({
    name: 'orders',
    source,
    columns: ['id', 'total', 'placedAt'],
    normalize: (filters: { status?: string[]; lastDays?: number }, now: Date) => ({
      ...filters,
      status: filters.status ? [...filters.status].sort() : undefined,
      lastDays: undefined,
      from: filters.lastDays
        ? new Date(now.getTime() - filters.lastDays * 86_400_000).toISOString().slice(0, 10)
        : undefined,
    }),
  }),
]);
const now = new Date('2026-01-15T12:00:00Z');
const base: ExportRequest = {
  type: 'orders',
  tenantId: 'acme',
  filters: { region: 'eu', status: ['open', 'paid'] },
};

function idOf(request: ExportRequest, at = now): string {
  return computeExportId(canonicalize(request, registry, at).canonical);
}

describe('export id', () => {
  it('is 64 lowercase hex characters', () => {
    expect(idOf(base)).toMatch(/^[a-f0-9]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered = {
      filters: { status: ['open', 'paid'], region: 'eu' },
      tenantId: 'acme',
      type: 'orders',
    };
    expect(idOf(reordered)).toBe(idOf(base));
  });

  it('drops undefined members', () => {
    expect(idOf({ ...base, filters: { ...base.filters, extra: undefined } })).toBe(idOf(base));
    expect(idOf({ ...base, format: undefined })).toBe(idOf(base));
  });

  it('fills defaults, so an explicit default is the same export', () => {
    expect(
      idOf({ ...base, format: 'csv', compression: 'none', columns: ['id', 'total', 'placedAt'] }),
    ).toBe(idOf(base));
    expect(
      idOf({ ...base, csv: { delimiter: ',', lineEnding: 'crlf', bom: false, header: true } }),
    ).toBe(idOf(base));
  });

  it('changes with every option that changes bytes', () => {
    const variants: ExportRequest[] = [
      { ...base, format: 'ndjson' },
      { ...base, format: 'json' },
      { ...base, compression: 'gzip' },
      { ...base, columns: ['id', 'total'] },
      { ...base, columns: ['total', 'id'] },
      { ...base, csv: { delimiter: ';' } },
      { ...base, csv: { lineEnding: 'lf' } },
      { ...base, csv: { bom: true } },
      { ...base, csv: { header: false } },
      { ...base, csv: { profile: 'spreadsheet' } },
      { ...base, filters: { region: 'us', status: ['open', 'paid'] } },
    ];
    const ids = new Set([idOf(base), ...variants.map((v) => idOf(v))]);
    expect(ids.size).toBe(variants.length + 1);
  });

  it('changes with part sizing and limits of the type', () => {
    const sized = new ExportTypeRegistry([
      {
        name: 'orders',
        source,
        columns: ['id', 'total', 'placedAt'],
        parts: { maxRowsPerPart: 10 },
      },
    ]);
    const plain = new ExportTypeRegistry([
      { name: 'orders', source, columns: ['id', 'total', 'placedAt'] },
    ]);
    const limited = new ExportTypeRegistry([
      { name: 'orders', source, columns: ['id', 'total', 'placedAt'], limits: { maxRows: 5 } },
    ]);
    const bumped = new ExportTypeRegistry([
      { name: 'orders', source, columns: ['id', 'total', 'placedAt'], version: '2' },
    ]);
    const ids = [sized, plain, limited, bumped].map((r) =>
      computeExportId(canonicalize(base, r, now).canonical),
    );
    expect(new Set(ids).size).toBe(4);
  });

  it('ignores the requester, so users of one tenant share an export', () => {
    expect(idOf({ ...base, requestedBy: 'alice' })).toBe(idOf({ ...base, requestedBy: 'bob' }));
  });

  it('includes the tenant, so tenants never share one', () => {
    expect(idOf({ ...base, tenantId: 'globex' })).not.toBe(idOf(base));
  });

  it('applies the type normalize hook: sorted sets and absolute windows', () => {
    expect(idOf({ ...base, filters: { region: 'eu', status: ['paid', 'open'] } })).toBe(idOf(base));
    const a = idOf({ ...base, filters: { lastDays: 7 } }, new Date('2026-01-15T08:00:00Z'));
    const b = idOf({ ...base, filters: { lastDays: 7 } }, new Date('2026-01-15T20:00:00Z'));
    const c = idOf({ ...base, filters: { lastDays: 7 } }, new Date('2026-01-16T08:00:00Z'));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('hashes exactly the canonical request', () => {
    const { canonical } = canonicalize(base, registry, now);
    const expected: Partial<CanonicalRequest> = {
      schemaVersion: 1,
      type: 'orders',
      typeVersion: '1',
      tenantId: 'acme',
      format: 'csv',
      compression: 'none',
    };
    expect(canonical).toMatchObject(expected);
    expect(canonical).not.toHaveProperty('requestedBy');
  });

  it('rejects ids that are not 64 lowercase hex characters', () => {
    for (const bad of [
      '',
      'abc',
      'A'.repeat(64),
      `${'a'.repeat(63)}g`,
      `${'a'.repeat(64)}0`,
      '../etc/passwd',
      42,
      undefined,
    ]) {
      expect(() => assertExportId(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_EXPORT_ID' }),
      );
    }
    expect(() => assertExportId('a'.repeat(64))).not.toThrow();
  });
});

describe('canonicalize rejects malformed requests with typed errors', () => {
  const cases: [string, unknown, string][] = [
    ['unknown type', { ...base, type: 'nope' }, 'UNKNOWN_EXPORT_TYPE'],
    ['unknown format', { ...base, format: 'xlsx' }, 'UNSUPPORTED_FORMAT'],
    ['unknown compression', { ...base, compression: 'zip' }, 'UNSUPPORTED_FORMAT'],
    ['unknown column', { ...base, columns: ['id', 'secret'] }, 'UNSUPPORTED_FORMAT'],
    ['duplicate column', { ...base, columns: ['id', 'id'] }, 'UNSUPPORTED_FORMAT'],
    ['empty columns', { ...base, columns: [] }, 'UNSUPPORTED_FORMAT'],
    ['filters not an object', { ...base, filters: 'x' }, 'INVALID_FILTERS'],
    ['a NUL character in a filter', { ...base, filters: { q: 'a\u0000b' } }, 'INVALID_FILTERS'],
    ['a NUL character in a filter name', { ...base, filters: { 'q\u0000': 1 } }, 'INVALID_FILTERS'],
    [
      'a NUL character deep in a filter',
      { ...base, filters: { in: ['a', { b: '\u0000' }] } },
      'INVALID_FILTERS',
    ],
    ['bad delimiter', { ...base, csv: { delimiter: '"' } }, 'INVALID_REQUEST'],
    ['bad tenant', { ...base, tenantId: '../other' }, 'INVALID_TENANT'],
    ['not an object', null, 'INVALID_REQUEST'],
  ];
  for (const [name, request, code] of cases) {
    it(name, () => {
      try {
        canonicalize(request as ExportRequest, registry, now);
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(isExportkitError(error)).toBe(true);
        expect(error).toMatchObject({ code });
      }
    });
  }

  it('accepts the text "\\u0000" (a backslash and five characters), which is no NUL', () => {
    const request = { ...base, filters: { path: 'C:\\u0000' } } as ExportRequest;
    expect(() => canonicalize(request, registry, now)).not.toThrow();
  });

  it('wraps what parseFilters throws as INVALID_FILTERS with its message', () => {
    const strict = new ExportTypeRegistry([
      defineExportType({
        name: 'strict',
        source,
        columns: ['id'],
        parseFilters: (input: unknown) => {
          if (typeof (input as { from?: unknown }).from !== 'string')
            throw new Error('`from` must be a date string');
          return input as { from: string };
        },
      }),
    ]);
    expect(() =>
      canonicalize({ type: 'strict', tenantId: 'acme', filters: {} }, strict, now),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_FILTERS',
        message: expect.stringContaining('`from` must be a date string'),
      }),
    );
  });

  it('caps parts at 1,048,575 rows for the spreadsheet profile', () => {
    const big = new ExportTypeRegistry([
      { name: 'orders', source, columns: ['id'], parts: { maxRowsPerPart: 5_000_000 } },
    ]);
    const { canonical } = canonicalize({ ...base, csv: { profile: 'spreadsheet' } }, big, now);
    expect(canonical.output.maxRowsPerPart).toBe(1_048_575);
    expect(canonicalize(base, big, now).canonical.output.maxRowsPerPart).toBe(5_000_000);
    expect(canonical.csv).toMatchObject({ bom: true, lineEnding: 'crlf', profile: 'spreadsheet' });
  });
});
