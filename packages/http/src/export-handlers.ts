import { assertExportId, ExportkitError, type ExportView, type JobStatus } from '@exportkit/core';
import { errorResponse, HttpError } from './error-response.js';
import { exportEvents } from './event-stream.js';
import { jsonResponse } from './json-response.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { bodyLength, definedOnly, parseInput, parseJsonBody, safeDecode } from './request-input.js';
import { createExportBodySchema, downloadQuerySchema, listQuerySchema } from './schemas.js';
import type {
  ExportAction,
  ExportHandlersOptions,
  HttpRequest,
  HttpResponse,
  Principal,
} from './types.js';

/** The endpoints as one function over normalised requests; every adapter calls it. */
export interface ExportHandlers {
  /** Answers one request; never throws (errors become JSON error responses). */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /** True when `path` is under `basePath`; adapters pass other paths on (Express `next()`). */
  owns(path: string): boolean;
  /** The normalised base path, without a trailing slash. */
  readonly basePath: string;
  /** Adapters read at most this many bytes plus one of a body. */
  readonly maxBodyBytes: number;
  /** The OpenAPI 3.1 document of these endpoints. */
  readonly openApi: OpenApiDocument;
}

interface Context {
  request: HttpRequest;
  principal: Principal;
  /** The export id of `/{id}` routes, already validated. */
  id: string;
}

type Route = (context: Context) => Promise<HttpResponse>;

/**
 * Builds the export endpoints over an `Exporter`:
 *
 * | route | answers |
 * | --- | --- |
 * | `POST {basePath}` | 200 with URLs when a fresh export exists, else 202 with `Location` |
 * | `GET {basePath}` | the tenant's exports (`status`, `limit`, `cursor`) |
 * | `GET {basePath}/{id}` | status, progress, fresh URLs |
 * | `DELETE {basePath}/{id}` | cancels; 409 when finished |
 * | `GET {basePath}/{id}/download?part=N` | 302 to a fresh signed URL |
 * | `GET {basePath}/{id}/events` | Server-Sent Events until the export ends |
 * | `GET {basePath}/openapi.json` | the OpenAPI 3.1 document |
 *
 * Every call is scoped by the tenant `authenticate` returns: another tenant's export is never
 * loaded and answers 404, exactly like one that does not exist.
 */
export function createExportHandlers(options: ExportHandlersOptions): ExportHandlers {
  assertOptions(options);
  const { exporter } = options;
  const basePath = normaliseBasePath(options.basePath ?? '/exports');
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  const openApi = buildOpenApiDocument({ basePath });
  const onError =
    options.onError ?? ((error: unknown) => console.error('[exportkit] [http]', error));

  const authorize = async (principal: Principal, action: ExportAction, job?: ExportView) => {
    const allowed = options.authorize ? await options.authorize(principal, action, job) : true;
    if (!allowed) {
      throw new HttpError('FORBIDDEN', `[exportkit] [http] You may not ${action} exports.`, {
        details: { action },
      });
    }
  };
  const loadAuthorized = async (context: Context, action: ExportAction) => {
    const view = await exporter.status(context.principal.tenantId, context.id);
    await authorize(context.principal, action, view);
    return view;
  };

  const create: Route = async ({ request, principal }) => {
    await authorize(principal, 'create');
    const body = parseInput(createExportBodySchema, parseJsonBody(request), 'body');
    const outcome = await exporter.request({
      ...body,
      tenantId: principal.tenantId,
      requestedBy: principal.subject,
    });
    const location = `${request.baseUrl ?? ''}${basePath}/${outcome.export.exportId}`;
    return jsonResponse(outcome.outcome === 'cached' ? 200 : 202, outcome, { location });
  };
  const list: Route = async ({ request, principal }) => {
    const query = parseInput(listQuerySchema, definedOnly(request.query), 'query');
    await authorize(principal, 'list');
    const page = await exporter.list(principal.tenantId, {
      status: query.status
        ? [...new Set(query.status.split(','))].map((s) => s as JobStatus)
        : undefined,
      limit: query.limit === undefined ? undefined : Number(query.limit),
      cursor: query.cursor,
    });
    return jsonResponse(200, page);
  };
  const read: Route = async (context) => jsonResponse(200, await loadAuthorized(context, 'read'));
  const cancel: Route = async (context) => {
    await loadAuthorized(context, 'cancel');
    return jsonResponse(200, await exporter.cancel(context.principal.tenantId, context.id));
  };
  const download: Route = async (context) => {
    const query = parseInput(downloadQuerySchema, definedOnly(context.request.query), 'query');
    const part = query.part === undefined ? 1 : Number(query.part);
    await loadAuthorized(context, 'download');
    const file = await exporter.downloadUrl(context.principal.tenantId, context.id, part);
    return jsonResponse(
      302,
      { url: file.url, expiresAt: file.expiresAt, part: file.part },
      { location: file.url },
    );
  };
  const events: Route = async (context) => {
    const first = await loadAuthorized(context, 'read');
    const stream = exportEvents({
      first,
      load: () => exporter.status(context.principal.tenantId, context.id),
      signal: context.request.signal,
      pollMs: options.eventsPollMs ?? 500,
      heartbeatMs: options.eventsHeartbeatMs ?? 15_000,
      maxMs: options.eventsMaxMs ?? 600_000,
      snapshot: context.request.canStream === false,
      onError: (error) => onError(error, context.request),
    });
    return {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Stops nginx and similar proxies from buffering the stream.
        'x-accel-buffering': 'no',
      },
      stream,
    };
  };

  /** Route table: path shape below basePath → method → route and the action it performs. */
  const table: Record<string, Record<string, [Route, ExportAction]>> = {
    '': { GET: [list, 'list'], POST: [create, 'create'] },
    ':id': { GET: [read, 'read'], DELETE: [cancel, 'cancel'] },
    ':id/download': { GET: [download, 'download'] },
    ':id/events': { GET: [events, 'read'] },
  };

  const owns = (path: string) =>
    basePath === '' || path === basePath || path.startsWith(`${basePath}/`);

  const dispatch = async (request: HttpRequest): Promise<HttpResponse> => {
    if (!owns(request.path)) throw routeNotFound(request.path);
    const rest = request.path.slice(basePath.length).replace(/^\/|\/$/g, '');
    if (rest === 'openapi.json' && options.serveOpenApi !== false) {
      if (request.method !== 'GET') throw methodNotAllowed(['GET']);
      return jsonResponse(200, openApi, { 'cache-control': 'public, max-age=300' });
    }
    const [rawId, ...tail] = rest === '' ? [] : rest.split('/');
    const shape = rawId === undefined ? '' : [':id', ...tail].join('/');
    const methods = table[shape];
    if (!methods) throw routeNotFound(request.path);
    const entry = methods[request.method];
    if (!entry) throw methodNotAllowed(Object.keys(methods));
    if (bodyLength(request) > maxBodyBytes) {
      throw new HttpError(
        'PAYLOAD_TOO_LARGE',
        `[exportkit] [http] The request body is larger than ${maxBodyBytes} bytes.`,
        { details: { maxBodyBytes } },
      );
    }
    const [route, action] = entry;
    const principal = await options.authenticate(request);
    if (!principal) {
      throw new HttpError('UNAUTHENTICATED', '[exportkit] [http] Authentication is required.');
    }
    const limit = options.rateLimit
      ? await options.rateLimit(principal, action)
      : { ok: true as const };
    if (!limit.ok) {
      const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000));
      throw new HttpError(
        'RATE_LIMITED',
        `[exportkit] [http] Too many requests; retry in ${seconds} s.`,
        {
          details: { retryAfterMs: limit.retryAfterMs },
          headers: { 'retry-after': String(seconds) },
        },
      );
    }
    let id = '';
    if (rawId !== undefined) {
      id = safeDecode(rawId);
      assertExportId(id);
    }
    return route({ request, principal, id });
  };

  return {
    basePath,
    maxBodyBytes,
    openApi,
    owns,
    async handle(request) {
      try {
        return await dispatch(request);
      } catch (error) {
        const { response, exposed } = errorResponse(error);
        if (!exposed) onError(error, request);
        return response;
      }
    },
  };
}

function normaliseBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function routeNotFound(path: string): HttpError {
  return new HttpError(
    'ROUTE_NOT_FOUND',
    `[exportkit] [http] No export endpoint at ${path.slice(0, 200)}.`,
  );
}

function methodNotAllowed(allowed: string[]): HttpError {
  return new HttpError(
    'METHOD_NOT_ALLOWED',
    `[exportkit] [http] Use ${allowed.join(' or ')} here.`,
    {
      headers: { allow: allowed.join(', ') },
      details: { allowed },
    },
  );
}

/** Configuration mistakes fail at start-up, not on the first request. */
function assertOptions(options: ExportHandlersOptions): void {
  const problems: string[] = [];
  if (typeof options?.exporter?.status !== 'function')
    problems.push('`exporter` must be an Exporter');
  if (typeof options?.authenticate !== 'function')
    problems.push('`authenticate` must be a function');
  for (const name of [
    'maxBodyBytes',
    'eventsPollMs',
    'eventsHeartbeatMs',
    'eventsMaxMs',
  ] as const) {
    const value = options?.[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      problems.push(`\`${name}\` must be a positive integer (got ${String(value)})`);
    }
  }
  if (problems.length > 0) {
    throw new ExportkitError('INVALID_CONFIG', `[exportkit] [http] ${problems.join('; ')}.`, {
      details: { problems },
    });
  }
}
