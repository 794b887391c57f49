import { ExportkitError } from '@exportkit/core';

/** A parameter value a {@link sql} query may carry. */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | null
  | undefined
  | readonly SqlValue[]
  | { readonly [key: string]: unknown };

/** A double-quoted identifier spliced into a {@link sql} query as text (see `sql.identifier`). */
export class SqlIdentifier {
  /** The identifier, quoted and escaped. */
  readonly quoted: string;

  constructor(name: string) {
    if (name.length === 0 || name.includes('\0')) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] [postgres] An SQL identifier must be a non-empty string without NUL bytes.',
      );
    }
    this.quoted = `"${name.replaceAll('"', '""')}"`;
  }
}

/**
 * A query built by the {@link sql} tag: the literal SQL pieces written by the programmer, and the
 * values between them. Values never become SQL text on their own: the cursor path sends them as
 * bind parameters, the COPY path inlines them as escaped literals (see `inlineQuery`).
 */
export class SqlQuery {
  /** The programmer's SQL text around each value; `strings.length === values.length + 1`. */
  readonly strings: readonly string[];
  /** The parameter values, in order. */
  readonly values: readonly SqlValue[];

  constructor(strings: readonly string[], values: readonly SqlValue[]) {
    this.strings = strings;
    this.values = values;
  }

  /** The SQL text with `$1`, `$2`… placeholders, for a parameterised query. */
  get text(): string {
    let text = this.strings[0] ?? '';
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]}`;
    return text;
  }
}

/** What a `${}` in a {@link sql} template may hold: a value, a nested fragment or an identifier. */
export type SqlPart = SqlValue | SqlQuery | SqlIdentifier;

/**
 * Tagged template that builds a parameterised {@link SqlQuery}:
 * `` sql`select * from orders where tenant_id = ${q.tenantId} order by id` ``. A nested
 * `sql` fragment is spliced in with its own values (for optional filters), and
 * `sql.identifier(name)` splices a quoted identifier (for selected columns).
 */
export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): SqlQuery {
  const outStrings: string[] = [strings[0] ?? ''];
  const outValues: SqlValue[] = [];
  const append = (text: string): void => {
    outStrings[outStrings.length - 1] += text;
  };
  parts.forEach((part, i) => {
    if (part instanceof SqlQuery) {
      append(part.strings[0] ?? '');
      for (let j = 0; j < part.values.length; j++) {
        outValues.push(part.values[j]);
        outStrings.push(part.strings[j + 1] ?? '');
      }
    } else if (part instanceof SqlIdentifier) {
      append(part.quoted);
    } else {
      outValues.push(part);
      outStrings.push('');
    }
    append(strings[i + 1] ?? '');
  });
  return new SqlQuery(outStrings, outValues);
}

/** A quoted identifier (`"name"`, inner quotes doubled) to splice into a {@link sql} template. */
sql.identifier = (name: string): SqlIdentifier => new SqlIdentifier(name);

/** Joins fragments with a separator written as SQL text (`', '` by default). */
sql.join = (parts: readonly SqlPart[], separator = ', '): SqlQuery => {
  const strings = ['', ...parts.slice(1).map(() => separator), ''];
  return sql(Object.assign(strings, { raw: strings }) as TemplateStringsArray, ...parts);
};
