import { ExportkitError } from '@exportkit/core';

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A schema or table name, validated and double-quoted. Only lower-case unquoted-style names are
 * accepted so that `"name"` in our SQL and `name` typed in psql mean the same table.
 */
export function quoteIdentifier(name: string, what: string): string {
  if (!identifierPattern.test(name)) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [postgres] The ${what} name ${JSON.stringify(name)} is not allowed; use 1 to 63 characters of a-z, 0-9 and _, starting with a letter or _.`,
      { details: { [what]: name } },
    );
  }
  return `"${name}"`;
}
