import type { IncomingMessage, ServerResponse } from 'node:http';
import { createExportHandlers, type ExportHandlers } from './export-handlers.js';
import type { ExportHandlersOptions, HttpRequest, HttpResponse } from './types.js';

/** The request as Express (4 or 5) or plain `node:http` hands it over. */
export type NodeRequestLike = IncomingMessage & {
  /** Express: the path the router is mounted under. */
  baseUrl?: string;
  /** Express: set when a body parser ran before this router. */
  body?: unknown;
};

/** A Connect/Express middleware; also usable as a plain `node:http` request listener. */
export type ExportMiddleware = (
  req: NodeRequestLike,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * Mounts the export endpoints in an Express app: `app.use('/api', createExpressRouter({...}))`
 * serves `/api/exports/...`. Requests outside `basePath` go to `next()`, so it sits beside your
 * other routes. Express itself is not imported (it is an optional peer), so this is a plain
 * middleware that also works with Connect or `http.createServer`.
 *
 * Mount it before `express.json()` (or on a path that parser does not cover): it reads the raw
 * body itself, stopping at `maxBodyBytes`, so oversized bodies get its 413 error shape. A body
 * an earlier parser already read is used as parsed.
 */
export function createExpressRouter(
  handlersOrOptions: ExportHandlers | ExportHandlersOptions,
): ExportMiddleware {
  const handlers =
    'handle' in handlersOrOptions ? handlersOrOptions : createExportHandlers(handlersOrOptions);
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!handlers.owns(url.pathname) && next) {
      next();
      return;
    }
    serve(handlers, req, res, url).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else if (next) next(error);
      else res.destroy();
    });
  };
}

async function serve(
  handlers: ExportHandlers,
  req: NodeRequestLike,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = normaliseHeaders(req.headers);
  const declared = Number(headers['content-length'] ?? 0);
  const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  const body =
    hasBody && !(declared > handlers.maxBodyBytes)
      ? await readBody(req, handlers.maxBodyBytes)
      : undefined;
  const request: HttpRequest = {
    method,
    path: url.pathname,
    query: firstValues(url.searchParams),
    headers,
    body,
    baseUrl: req.baseUrl ?? '',
    signal: controller.signal,
    raw: req,
  };
  const response = await handlers.handle(request);
  if (hasBody && !req.readableEnded) {
    // The body was not (fully) read: close the connection rather than drain an oversized upload.
    response.headers.connection = 'close';
    req.pause();
  }
  await writeResponse(res, response, controller.signal);
}

/** Writes a handler response to a Node response, streaming Server-Sent Events as they come. */
export async function writeResponse(
  res: ServerResponse,
  response: HttpResponse,
  signal?: AbortSignal,
): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (!response.stream) {
    const text = response.body === undefined ? '' : JSON.stringify(response.body);
    res.setHeader('content-length', Buffer.byteLength(text));
    res.end(text);
    return;
  }
  res.flushHeaders();
  const iterator = response.stream[Symbol.asyncIterator]();
  try {
    while (!signal?.aborted) {
      const next = await iterator.next();
      if (next.done || signal?.aborted) break;
      if (!res.write(next.value)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
  } finally {
    await iterator.return?.();
    res.end();
  }
}

/**
 * Reads at most `limit + 1` bytes: enough for the handlers to tell an oversized body from one at
 * the limit without buffering an upload of any size.
 */
function readBody(req: NodeRequestLike, limit: number): Promise<Uint8Array> {
  // An earlier body parser consumed the stream: use what it parsed.
  if (req.readableEnded) return Promise.resolve(alreadyParsed(req.body));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      req.off('data', onData);
      req.off('end', finish);
      req.off('error', onError);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish();
      }
    };
    const onError = (error: unknown) => reject(error);
    req.on('data', onData);
    req.on('end', finish);
    req.on('error', onError);
  });
}

function alreadyParsed(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return body === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(body));
}

function normaliseHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function firstValues(params: URLSearchParams): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of params) if (!(name in out)) out[name] = value;
  return out;
}
