import { createExportHandlers, type ExportHandlers } from './export-handlers.js';
import type { ExportHandlersOptions, HttpRequest } from './types.js';

/** The fields of an API Gateway REST API (payload 1.0) proxy event this adapter reads. */
export interface ApiGatewayV1EventLike {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { stage?: string } | null;
}

/** The fields of an API Gateway HTTP API (payload 2.0) event this adapter reads. */
export interface ApiGatewayV2EventLike {
  version: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string }; stage?: string };
}

/** What the handler returns; valid for both payload versions. */
export interface ApiGatewayResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** A Lambda handler for API Gateway proxy integrations (REST v1 and HTTP API v2 events). */
export type ExportLambdaHandler = (
  event: ApiGatewayV1EventLike | ApiGatewayV2EventLike,
) => Promise<ApiGatewayResult>;

/**
 * Serves the export endpoints from a Lambda behind API Gateway, for REST API (payload 1.0) and
 * HTTP API (payload 2.0) events: base64 bodies, multi-value headers and query strings, and a
 * stage prefix in the path are handled. The authenticate hook gets the event as `request.raw`
 * (read `requestContext.authorizer` there).
 *
 * Lambda cannot stream through API Gateway, so the events endpoint sends one `status` snapshot
 * with a `retry:` hint and closes: a browser `EventSource` then polls by reconnecting.
 */
export function createLambdaHandler(
  handlersOrOptions: ExportHandlers | ExportHandlersOptions,
): ExportLambdaHandler {
  const handlers =
    'handle' in handlersOrOptions ? handlersOrOptions : createExportHandlers(handlersOrOptions);
  return async (event) => {
    const request = 'rawPath' in event ? fromV2(event) : fromV1(event);
    const { path, baseUrl } = stripStage(handlers, request.path, event.requestContext?.stage);
    const response = await handlers.handle({ ...request, path, baseUrl });
    let body = '';
    if (response.stream) {
      for await (const chunk of response.stream) body += chunk;
    } else if (response.body !== undefined) {
      body = JSON.stringify(response.body);
    }
    return { statusCode: response.status, headers: response.headers, body, isBase64Encoded: false };
  };
}

function fromV1(event: ApiGatewayV1EventLike): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {}))
    headers[name.toLowerCase()] = value;
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 0) headers[name.toLowerCase()] = values.join(', ');
  }
  const query: Record<string, string | undefined> = { ...(event.queryStringParameters ?? {}) };
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 0) query[name] = values[0];
  }
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    query,
    headers,
    body: decodeBody(event.body, event.isBase64Encoded),
    canStream: false,
    raw: event,
  };
}

function fromV2(event: ApiGatewayV2EventLike): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {}))
    headers[name.toLowerCase()] = value;
  const query: Record<string, string | undefined> = {};
  // rawQueryString keeps repeated parameters apart; the parsed map joins them with commas.
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) {
    if (!(name in query)) query[name] = value;
  }
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query,
    headers,
    body: decodeBody(event.body, event.isBase64Encoded),
    canStream: false,
    raw: event,
  };
}

function decodeBody(
  body: string | null | undefined,
  base64: boolean | undefined,
): Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  return Buffer.from(body, base64 ? 'base64' : 'utf8');
}

/**
 * HTTP API events (and REST events behind some custom domains) carry the stage in the path:
 * strip it when the rest is ours, and keep it as the base of the links we return.
 */
function stripStage(
  handlers: ExportHandlers,
  path: string,
  stage: string | undefined,
): { path: string; baseUrl: string } {
  if (!stage || stage === '$default' || handlers.owns(path)) return { path, baseUrl: '' };
  const prefix = `/${stage}`;
  if (path.startsWith(`${prefix}/`) && handlers.owns(path.slice(prefix.length))) {
    return { path: path.slice(prefix.length), baseUrl: prefix };
  }
  return { path, baseUrl: '' };
}
