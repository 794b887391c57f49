import { buildOpenApiDocument, createExportBodySchema, httpStatusByCode } from '@exportkit/http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './support/stack.js';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.close();
});

describe('OpenAPI 3.1 document', () => {
  it('is served at /exports/openapi.json and is a valid OpenAPI 3.1 document', async () => {
    const response = await fetch(`${stack.api}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document).toEqual(
      JSON.parse(JSON.stringify(buildOpenApiDocument({ basePath: '/exports' }))),
    );
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route and the request body from the zod schema', () => {
    const document = buildOpenApiDocument({ basePath: '/api/exports' }) as unknown as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: {
        schemas: Record<
          string,
          {
            properties?: Record<string, unknown>;
            additionalProperties?: unknown;
            required?: string[];
          }
        >;
      };
    };
    expect(Object.keys(document.paths)).toEqual([
      '/api/exports',
      '/api/exports/{id}',
      '/api/exports/{id}/download',
      '/api/exports/{id}/events',
      '/api/exports/openapi.json',
    ]);
    expect(Object.keys(document.paths['/api/exports']!.post!.responses!)).toEqual(
      expect.arrayContaining(['200', '202', '400', '401', '403', '413', '429']),
    );
    expect(Object.keys(document.paths['/api/exports/{id}']!.delete!.responses!)).toContain('409');
    const body = document.components.schemas.CreateExportRequest!;
    expect(Object.keys(body.properties!)).toEqual(Object.keys(createExportBodySchema.shape));
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(['type']);
    expect(body.properties).not.toHaveProperty('tenantId');
  });

  it('maps error codes to statuses in one table', () => {
    expect(httpStatusByCode).toMatchObject({
      INVALID_EXPORT_ID: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      EXPORT_NOT_FOUND: 404,
      INVALID_TRANSITION: 409,
      EXPORT_NOT_READY: 409,
      PAYLOAD_TOO_LARGE: 413,
      RATE_LIMITED: 429,
    });
    expect(httpStatusByCode).not.toHaveProperty('JOB_STORE_ERROR');
  });
});
