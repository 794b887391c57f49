import { ExportkitError } from './errors.js';

/**
 * Throws `INVALID_KEY` unless `key` is a safe relative object key: non-empty, no leading `/`,
 * no empty, `.` or `..` segment, no backslash, no NUL. Every ObjectStore calls this first, so a
 * key can never escape its root or alias another key on any backend.
 */
export function assertValidKey(key: string, store = 'object-store'): void {
  const problem = keyProblem(key);
  if (problem) {
    throw new ExportkitError(
      'INVALID_KEY',
      `[exportkit] [${store}] Invalid object key: ${problem}.`,
      {
        details: { key: key.slice(0, 200) },
      },
    );
  }
}

/** True when {@link assertValidKey} would accept `key`. */
export function isValidKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

/** Like {@link assertValidKey} for a listing prefix: empty is allowed, a trailing `/` too. */
export function assertValidPrefix(prefix: string, store = 'object-store'): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix, store);
}

const tenantPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws `INVALID_TENANT` unless the tenant id can be one storage key segment. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || !tenantPattern.test(tenantId) || tenantId.includes('..')) {
    throw new ExportkitError(
      'INVALID_TENANT',
      'A tenant id is 1 to 128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit.',
      {
        details: {
          tenantId: typeof tenantId === 'string' ? tenantId.slice(0, 200) : typeof tenantId,
        },
      },
    );
  }
}

/** Where a run's files live: `{prefix}/{tenant}/{exportId}/{runId}/`. */
export function runPrefix(
  prefix: string,
  tenantId: string,
  exportId: string,
  runId: string,
): string {
  return `${exportPrefix(prefix, tenantId, exportId)}${runId}/`;
}

/** Every run of one export: `{prefix}/{tenant}/{exportId}/`. */
export function exportPrefix(prefix: string, tenantId: string, exportId: string): string {
  return `${prefix ? `${prefix}/` : ''}${tenantId}/${exportId}/`;
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'it is empty';
  if (key.length > 1024) return 'it is longer than 1024 characters';
  if (key.startsWith('/')) return 'it starts with "/" (keys are relative)';
  if (key.includes('\\')) return 'it contains a backslash (use "/" between segments)';
  if (key.includes('\0')) return 'it contains a NUL character';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
  }
  return undefined;
}
