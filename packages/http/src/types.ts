import type {
  ExportFile,
  ExportPage,
  ExportRequest,
  ExportView,
  JobStatus,
  RequestOutcome,
} from '@exportkit/core';

/**
 * The part of the core `Exporter` the HTTP layer calls. Structural, so a wrapped or decorated
 * exporter fits too. Every call is scoped by the tenant of the authenticated principal.
 */
export interface ExporterLike {
  /** Starts or reuses an export. */
  request(request: ExportRequest): Promise<RequestOutcome>;
  /** One export of one tenant, with fresh signed URLs when succeeded. Throws `EXPORT_NOT_FOUND`. */
  status(tenantId: string, exportId: string): Promise<ExportView>;
  /** A page of one tenant's exports, newest first. */
  list(
    tenantId: string,
    query: { status?: JobStatus[]; limit?: number; cursor?: string },
  ): Promise<ExportPage>;
  /** Cancels a queued or running export. Throws `INVALID_TRANSITION` when it has finished. */
  cancel(tenantId: string, exportId: string): Promise<ExportView>;
  /** A fresh signed URL for one part. Throws `EXPORT_NOT_READY` or `PART_NOT_FOUND`. */
  downloadUrl(tenantId: string, exportId: string, part: number): Promise<ExportFile>;
}

/** A request as every adapter normalises it. Header names are lower case. */
export interface HttpRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** The path below the adapter's mount point, without the query string (e.g. `/exports/ab12…`). */
  path: string;
  /** Query parameters; a repeated parameter keeps its first value. */
  query: Record<string, string | undefined>;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string | undefined>;
  /** The raw body, when the method has one. At most `maxBodyBytes + 1` bytes are read. */
  body?: Uint8Array;
  /**
   * The path the adapter is mounted under (Express `req.baseUrl`), prefixed to the links the
   * handlers return (`Location`). @defaultValue `''`
   */
  baseUrl?: string;
  /**
   * False when the adapter cannot stream a response (API Gateway): the events endpoint then
   * sends one snapshot and a `retry:` hint, so `EventSource` polls. @defaultValue `true`
   */
  canStream?: boolean;
  /** Aborts when the client goes away; ends Server-Sent Events streams. */
  signal?: AbortSignal;
  /**
   * The framework's own request object (Express `req`, the API Gateway event), for
   * `authenticate` hooks that read what existing middleware attached (e.g. `req.user`).
   */
  raw?: unknown;
}

/** What the handlers answer; adapters write it out. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** A JSON body, serialised by the adapter. */
  body?: unknown;
  /**
   * A Server-Sent Events stream of text chunks. Adapters write each chunk as it comes and stop
   * iterating (which ends the stream) when the client disconnects.
   */
  stream?: AsyncIterable<string>;
}

/** Who is calling, as the `authenticate` hook says. */
export interface Principal {
  /** Every exporter call is scoped by this tenant; it never comes from the request body. */
  tenantId: string;
  /** The requester, recorded as `requestedBy` on new exports. */
  subject?: string;
  /** Anything else your `authorize` and `rateLimit` hooks need (roles, scopes, plan). */
  [key: string]: unknown;
}

/** What a caller is trying to do, as passed to `authorize` and `rateLimit`. */
export type ExportAction = 'create' | 'read' | 'list' | 'cancel' | 'download';

/** What the `rateLimit` hook answers. */
export type RateLimitDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** Options for {@link createExportHandlers}. */
export interface ExportHandlersOptions {
  /** The core `Exporter` (or anything with its API-side methods). */
  exporter: ExporterLike;
  /**
   * Resolves the caller from the request (a bearer token, a session, `req.user` set by your
   * middleware via `request.raw`). `undefined` answers 401. Throwing answers 500.
   */
  authenticate(request: HttpRequest): Principal | undefined | Promise<Principal | undefined>;
  /**
   * Decides each call; `false` answers 403. For `read`, `cancel` and `download` the export is
   * passed, already loaded under the principal's tenant (another tenant's export is a 404 before
   * this hook runs). @defaultValue every authenticated principal may do everything in its tenant
   */
  authorize?(
    principal: Principal,
    action: ExportAction,
    job?: ExportView,
  ): boolean | Promise<boolean>;
  /**
   * A per-tenant (or per-subject) rate limit, asked after authentication and before any work.
   * `{ ok: false, retryAfterMs }` answers 429 with `Retry-After`. @defaultValue no limit
   */
  rateLimit?(
    principal: Principal,
    action: ExportAction,
  ): RateLimitDecision | Promise<RateLimitDecision>;
  /** Bodies larger than this answer 413. @defaultValue `65_536` (64 KiB) */
  maxBodyBytes?: number;
  /** The path the endpoints live under. @defaultValue `'/exports'` */
  basePath?: string;
  /** How often the events endpoint polls the export's status. @defaultValue `500` */
  eventsPollMs?: number;
  /** A comment line is sent after this much silence so proxies keep the stream open. @defaultValue `15_000` */
  eventsHeartbeatMs?: number;
  /** The longest one events stream stays open; `EventSource` reconnects after it. @defaultValue `600_000` */
  eventsMaxMs?: number;
  /**
   * Serve the OpenAPI document at `{basePath}/openapi.json` without authentication.
   * @defaultValue `true`
   */
  serveOpenApi?: boolean;
  /**
   * Called with every error answered as 500 (the client sees only a generic message), for
   * your logger. @defaultValue `console.error`
   */
  onError?(error: unknown, request: HttpRequest): void;
}
