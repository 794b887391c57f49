import { z } from 'zod';
import {
  createExportBodySchema,
  downloadQuerySchema,
  downloadRedirectSchema,
  errorBodySchema,
  exportFileSchema,
  exportIdSchema,
  exportPageSchema,
  exportViewSchema,
  listQuerySchema,
  requestOutcomeSchema,
} from './schemas.js';

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, unknown>;
};

/** Options for {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** @defaultValue `'/exports'` */
  basePath?: string;
  /** @defaultValue `'exportkit exports'` */
  title?: string;
  /** The version of your API. @defaultValue `'1.0.0'` */
  version?: string;
}

/**
 * The OpenAPI 3.1 document of the export endpoints, generated from the same zod schemas that
 * validate requests. Authentication is whatever your `authenticate` hook checks, so the document
 * declares no security scheme; add yours to the returned object.
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const base = options.basePath ?? '/exports';
  const idParameter = { name: 'id', in: 'path', required: true, schema: schemaOf(exportIdSchema) };
  const errors = (...statuses: number[]) =>
    Object.fromEntries(
      statuses.map((status) => [String(status), { $ref: `#/components/responses/E${status}` }]),
    );
  const jsonContent = (name: string) => ({
    'application/json': { schema: { $ref: `#/components/schemas/${name}` } },
  });

  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'exportkit exports',
      version: options.version ?? '1.0.0',
      description:
        'Asynchronous data exports. The tenant comes from authentication, never from the request. ' +
        "Another tenant's export answers 404 exactly like a missing one.",
    },
    paths: {
      [base]: {
        post: {
          operationId: 'createExport',
          summary: 'Request an export (identical requests share one export).',
          requestBody: { required: true, content: jsonContent('CreateExportRequest') },
          responses: {
            '200': {
              description: 'A fresh finished export was reused; `export.files` holds URLs.',
              content: jsonContent('RequestOutcome'),
            },
            '202': {
              description: 'The export is queued or running; poll `Location` or stream its events.',
              headers: { Location: { schema: { type: 'string' } } },
              content: jsonContent('RequestOutcome'),
            },
            ...errors(400, 401, 403, 413, 415, 429, 500),
          },
        },
        get: {
          operationId: 'listExports',
          summary: "The caller's tenant's exports, newest first.",
          parameters: queryParameters(listQuerySchema.shape),
          responses: {
            '200': { description: 'A page of exports.', content: jsonContent('ExportPage') },
            ...errors(400, 401, 403, 429, 500),
          },
        },
      },
      [`${base}/{id}`]: {
        parameters: [idParameter],
        get: {
          operationId: 'getExport',
          summary: 'Status, progress, and fresh download URLs once succeeded.',
          responses: {
            '200': { description: 'The export.', content: jsonContent('ExportView') },
            ...errors(400, 401, 403, 404, 429, 500),
          },
        },
        delete: {
          operationId: 'cancelExport',
          summary: 'Cancel a queued or running export.',
          responses: {
            '200': { description: 'The cancelled export.', content: jsonContent('ExportView') },
            ...errors(400, 401, 403, 404, 409, 429, 500),
          },
        },
      },
      [`${base}/{id}/download`]: {
        parameters: [idParameter],
        get: {
          operationId: 'downloadExport',
          summary: 'Redirect to a fresh signed URL of one part.',
          parameters: queryParameters(downloadQuerySchema.shape),
          responses: {
            '302': {
              description: 'Redirect to the signed URL.',
              headers: { Location: { schema: { type: 'string' } } },
              content: jsonContent('DownloadRedirect'),
            },
            ...errors(400, 401, 403, 404, 409, 429, 500),
          },
        },
      },
      [`${base}/{id}/events`]: {
        parameters: [idParameter],
        get: {
          operationId: 'streamExportEvents',
          summary: 'Server-Sent Events: `status` (an ExportView) on every change, then `end`.',
          responses: {
            '200': {
              description: 'An event stream; `status` events carry an ExportView, `end` closes it.',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors(400, 401, 403, 404, 429, 500),
          },
        },
      },
      [`${base}/openapi.json`]: {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document.',
          responses: {
            '200': {
              description: 'OpenAPI 3.1.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        [400, 401, 403, 404, 409, 413, 415, 429, 500].map((status) => [
          `E${status}`,
          { description: errorDescriptions[status], content: jsonContent('Error') },
        ]),
      ),
    },
  };
}

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request, filters, format, type or export id.',
  401: 'Authentication is required.',
  403: 'The principal may not do this.',
  404: 'No such export for this tenant.',
  409: 'The export is finished (cancel) or not ready (download).',
  413: 'The body is larger than the limit.',
  415: 'The body is not JSON.',
  429: 'Rate limited; see Retry-After.',
  500: 'The service failed; nothing internal is disclosed.',
};

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(createExportBodySchema, { id: 'CreateExportRequest' });
  registry.add(exportFileSchema, { id: 'ExportFile' });
  registry.add(exportViewSchema, { id: 'ExportView' });
  registry.add(requestOutcomeSchema, { id: 'RequestOutcome' });
  registry.add(exportPageSchema, { id: 'ExportPage' });
  registry.add(downloadRedirectSchema, { id: 'DownloadRedirect' });
  registry.add(errorBodySchema, { id: 'Error' });
  // `input`: response objects stay open to new fields; strict request objects stay closed.
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, stripRoot(schema)]));
}

function queryParameters(shape: Record<string, z.ZodType>): unknown[] {
  return Object.entries(shape).map(([name, schema]) => {
    const { description, ...rest } = schemaOf(schema) as { description?: string };
    return { name, in: 'query', required: false, description, schema: rest };
  });
}

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  return stripRoot(z.toJSONSchema(schema, { io: 'input' }));
}

function stripRoot(schema: object): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
  return rest;
}
