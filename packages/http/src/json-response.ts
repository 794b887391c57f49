import type { HttpResponse } from './types.js';

/**
 * A JSON response. Answers carry signed URLs and tenant data, errors included, so none may be
 * kept by a shared cache.
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body,
  };
}
