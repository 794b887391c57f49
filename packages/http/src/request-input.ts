import { ExportkitError } from '@exportkit/core';
import type { z } from 'zod';
import { HttpError } from './error-response.js';
import type { HttpRequest } from './types.js';

// Turning raw request input into validated values, or into 400/415 errors that say what to fix.

/** Parses `input` with `schema`; throws `INVALID_REQUEST` listing every issue (path, code, message). */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  where: 'body' | 'query',
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
    ...('keys' in issue ? { keys: issue.keys } : {}),
  }));
  throw new ExportkitError(
    'INVALID_REQUEST',
    `[exportkit] [http] The request ${where} is invalid: ${issues
      .map((issue) => `${issue.path || where}: ${issue.message}`)
      .join('; ')}.`,
    { details: { issues } },
  );
}

/** The body as JSON; throws `UNSUPPORTED_MEDIA_TYPE` unless sent as JSON, `INVALID_REQUEST` unless it parses. */
export function parseJsonBody(request: HttpRequest): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // Requiring JSON also stops cross-site HTML forms, which cannot send it, from creating exports.
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(
      'UNSUPPORTED_MEDIA_TYPE',
      '[exportkit] [http] Send the body as application/json.',
      {
        details: { contentType: type },
      },
    );
  }
  const bytes = request.body ?? new Uint8Array();
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ExportkitError(
      'INVALID_REQUEST',
      '[exportkit] [http] The request body is not valid JSON.',
      {
        cause,
        details: {},
      },
    );
  }
}

/** The larger of the declared and the received body length. */
export function bodyLength(request: HttpRequest): number {
  const declared = Number(request.headers['content-length'] ?? 0);
  return Math.max(Number.isFinite(declared) ? declared : 0, request.body?.byteLength ?? 0);
}

/** The query without absent parameters, as zod expects. */
export function definedOnly(query: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** A decoded path segment; a malformed escape is left as is (and then fails id validation). */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
