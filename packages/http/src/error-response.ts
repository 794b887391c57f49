import { type ErrorCode, isExportkitError } from '@exportkit/core';
import { jsonResponse } from './json-response.js';
import type { HttpResponse } from './types.js';

/** Codes the HTTP layer adds to core's {@link ErrorCode}s; they never leave this package. */
export const httpErrorCodes = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
] as const;

/** One of {@link httpErrorCodes}. */
export type HttpErrorCode = (typeof httpErrorCodes)[number];

/** Every `error.code` an API client can see. */
export type ApiErrorCode = ErrorCode | HttpErrorCode;

/** The JSON body of every error response. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details: Record<string, unknown> };
}

/**
 * The one table from error code to HTTP status. Core codes not listed here are server-side
 * failures: they answer 500 with a generic message, and their text never reaches the client.
 */
export const httpStatusByCode: Readonly<Partial<Record<ApiErrorCode, number>>> = Object.freeze({
  INVALID_REQUEST: 400,
  INVALID_FILTERS: 400,
  UNKNOWN_EXPORT_TYPE: 400,
  UNSUPPORTED_FORMAT: 400,
  INVALID_EXPORT_ID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  EXPORT_NOT_FOUND: 404,
  PART_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  EXPORT_NOT_READY: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
});

/** An error the HTTP layer raises itself (auth, limits, routing); answered with its code's status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly code: HttpErrorCode;
  readonly details: Record<string, unknown>;
  /** Extra response headers (`Retry-After`, `Allow`). */
  readonly headers: Record<string, string>;

  constructor(
    code: HttpErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

/** The status for `code`, 500 when the table does not list it. */
export function httpStatusFor(code: string): number {
  return httpStatusByCode[code as ApiErrorCode] ?? 500;
}

/**
 * Turns anything thrown into the JSON error response. Returns `exposed: false` for a 500, so the
 * caller logs the original error: the client only learns that something failed.
 */
export function errorResponse(error: unknown): { response: HttpResponse; exposed: boolean } {
  if (error instanceof HttpError || isExportkitError(error)) {
    const status = httpStatusFor(error.code);
    if (status !== 500) {
      const headers = error instanceof HttpError ? error.headers : {};
      return {
        response: jsonError(status, error.code, error.message, error.details ?? {}, headers),
        exposed: true,
      };
    }
  }
  return {
    response: jsonError(
      500,
      'INTERNAL_ERROR',
      '[exportkit] [http] The export service failed; try again later.',
      {},
    ),
    exposed: false,
  };
}

function jsonError(
  status: number,
  code: ApiErrorCode,
  message: string,
  details: Record<string, unknown>,
  headers: Record<string, string> = {},
): HttpResponse {
  const body: ApiErrorBody = { error: { code, message, details } };
  return jsonResponse(status, body, headers);
}
