import {
  createLambdaHandler,
  type ExportLambdaHandler,
  type HttpRequest,
  type Principal,
} from '@exportkit/http';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './support/stack.js';

let stack: Stack;
let handler: ExportLambdaHandler;

/** Reads the tenant a Lambda authorizer put on the event, for either payload version. */
function authorizerAuth(request: HttpRequest): Principal | undefined {
  const context = (
    request.raw as { requestContext?: { authorizer?: Record<string, unknown> | null } }
  ).requestContext;
  const authorizer = context?.authorizer;
  const claims = (authorizer?.lambda ?? authorizer) as
    | { tenant?: string; sub?: string }
    | undefined;
  return claims?.tenant ? { tenantId: claims.tenant, subject: claims.sub } : undefined;
}

beforeEach(async () => {
  stack = await startStack();
  handler = createLambdaHandler({
    exporter: stack.exporter,
    authenticate: authorizerAuth,
    maxBodyBytes: 2048,
    onError: () => {},
  });
});
afterEach(async () => {
  await stack.close();
});

/** A REST API (payload 1.0) proxy event as API Gateway sends it, behind a `/{proxy+}` resource. */
function v1Event(
  method: string,
  path: string,
  options: {
    body?: string;
    base64?: boolean;
    query?: Record<string, string[]>;
    tenant?: string;
  } = {},
): APIGatewayProxyEvent {
  const query = options.query ?? null;
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: {
      Accept: '*/*',
      'Content-Type': 'application/json',
      Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'X-Forwarded-Proto': 'https',
    },
    multiValueHeaders: {
      Accept: ['*/*'],
      'Content-Type': ['application/json'],
      Host: ['abc123.execute-api.eu-west-1.amazonaws.com'],
      'X-Forwarded-Proto': ['https'],
    },
    queryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.at(-1)!])),
    multiValueQueryStringParameters: query,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: options.tenant
        ? { principalId: 'alice', tenant: options.tenant, sub: 'alice', integrationLatency: 3 }
        : null,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.9',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_700_000_000_000,
      resourceId: 'abcdef',
      resourcePath: '/{proxy+}',
      stage: 'prod',
    },
    body:
      options.body === undefined
        ? null
        : options.base64
          ? Buffer.from(options.body).toString('base64')
          : options.body,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** An HTTP API (payload 2.0) event on a `prod` stage: the stage is part of `rawPath`. */
function v2Event(
  method: string,
  path: string,
  options: { body?: string; rawQuery?: string; tenant?: string } = {},
): APIGatewayProxyEventV2 {
  const rawPath = `/prod${path}`;
  const rawQueryString = options.rawQuery ?? '';
  const grouped = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQueryString))
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return {
    version: '2.0',
    routeKey: 'ANY /exports/{proxy+}',
    rawPath,
    rawQueryString,
    cookies: ['session=opaque'],
    headers: {
      'content-type': 'application/json',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'x-forwarded-proto': 'https',
      accept: 'text/event-stream, application/json',
    },
    ...(grouped.size
      ? {
          queryStringParameters: Object.fromEntries([...grouped].map(([k, v]) => [k, v.join(',')])),
        }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      ...(options.tenant
        ? { authorizer: { lambda: { tenant: options.tenant, sub: 'alice' } } }
        : {}),
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'curl/8.5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'ANY /exports/{proxy+}',
      stage: 'prod',
      time: '14/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_700_000_000_000,
    },
    pathParameters: { proxy: path.replace(/^\/exports\/?/, '') },
    // HTTP APIs base64-encode bodies they do not recognise as text.
    ...(options.body !== undefined
      ? { body: Buffer.from(options.body).toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2;
}

describe('API Gateway REST API (payload 1.0)', () => {
  it('creates, lists with multi-value query parameters, and reads an export', async () => {
    const created = await handler(
      v1Event('POST', '/exports', { body: '{"type":"orders","format":"ndjson"}', tenant: 'acme' }),
    );
    expect(created.statusCode).toBe(202);
    expect(created.isBase64Encoded).toBe(false);
    const { export: view } = JSON.parse(created.body);
    expect(created.headers.location).toBe(`/exports/${view.exportId}`);
    expect(view).toMatchObject({ tenantId: 'acme', requestedBy: 'alice', format: 'ndjson' });

    const base64 = await handler(
      v1Event('POST', '/exports', {
        body: '{"type":"orders","format":"csv"}',
        base64: true,
        tenant: 'acme',
      }),
    );
    expect(base64.statusCode).toBe(202);

    const listed = await handler(
      v1Event('GET', '/exports', {
        query: { limit: ['1', '50'], status: ['queued'] },
        tenant: 'acme',
      }),
    );
    expect(listed.statusCode).toBe(200);
    const page = JSON.parse(listed.body);
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBeTruthy();

    await stack.drain();
    const read = await handler(v1Event('GET', `/exports/${view.exportId}`, { tenant: 'acme' }));
    expect(JSON.parse(read.body)).toMatchObject({ status: 'succeeded', result: { parts: 3 } });
    const download = await handler(
      v1Event('GET', `/exports/${view.exportId}/download`, {
        query: { part: ['2'] },
        tenant: 'acme',
      }),
    );
    expect(download.statusCode).toBe(302);
    const file = await fetch(download.headers.location!);
    expect(file.status).toBe(200);
    expect((await file.text()).trim().split('\n')).toHaveLength(1000);
  });

  it('maps errors the same way as over Express: 401, 400, 404, 405, 413', async () => {
    expect((await handler(v1Event('GET', '/exports'))).statusCode).toBe(401);
    expect((await handler(v1Event('GET', '/exports/nope', { tenant: 'acme' }))).statusCode).toBe(
      400,
    );
    expect(
      (await handler(v1Event('GET', `/exports/${'a'.repeat(64)}`, { tenant: 'acme' }))).statusCode,
    ).toBe(404);
    expect((await handler(v1Event('GET', '/elsewhere', { tenant: 'acme' }))).statusCode).toBe(404);
    const patch = await handler(v1Event('PATCH', '/exports', { tenant: 'acme', body: '{}' }));
    expect(patch.statusCode).toBe(405);
    const big = await handler(
      v1Event('POST', '/exports', {
        body: JSON.stringify({ type: 'orders', filters: { pad: 'x'.repeat(4000) } }),
        base64: true,
        tenant: 'acme',
      }),
    );
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('API Gateway HTTP API (payload 2.0)', () => {
  it('strips the stage from rawPath, keeps it in Location, and decodes base64 bodies', async () => {
    const created = await handler(
      v2Event('POST', '/exports', { body: '{"type":"orders"}', tenant: 'acme' }),
    );
    expect(created.statusCode).toBe(202);
    const { export: view } = JSON.parse(created.body);
    expect(created.headers.location).toBe(`/prod/exports/${view.exportId}`);

    // rawQueryString keeps repeats apart: the first value counts, as over Express.
    const listed = await handler(
      v2Event('GET', '/exports', {
        rawQuery: 'status=queued&status=bogus&limit=5',
        tenant: 'acme',
      }),
    );
    expect(listed.statusCode).toBe(200);
    expect(
      JSON.parse(listed.body).items.map((item: { exportId: string }) => item.exportId),
    ).toEqual([view.exportId]);

    const other = await handler(v2Event('GET', `/exports/${view.exportId}`, { tenant: 'globex' }));
    expect(other.statusCode).toBe(404);
    const cancelled = await handler(
      v2Event('DELETE', `/exports/${view.exportId}`, { tenant: 'acme' }),
    );
    expect(JSON.parse(cancelled.body).status).toBe('cancelled');
    const again = await handler(v2Event('DELETE', `/exports/${view.exportId}`, { tenant: 'acme' }));
    expect(again.statusCode).toBe(409);
  });

  it('answers the events endpoint with one snapshot and a retry hint (no streaming through API Gateway)', async () => {
    const created = await handler(
      v2Event('POST', '/exports', { body: '{"type":"orders"}', tenant: 'acme' }),
    );
    const { export: view } = JSON.parse(created.body);
    const started = Date.now();
    const pending = await handler(
      v2Event('GET', `/exports/${view.exportId}/events`, { tenant: 'acme' }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(pending.statusCode).toBe(200);
    expect(pending.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(pending.body).toMatch(
      /^retry: 1000\n\nevent: status\ndata: \{.*"status":"queued".*\}\n\n$/s,
    );

    await stack.drain();
    const done = await handler(
      v2Event('GET', `/exports/${view.exportId}/events`, { tenant: 'acme' }),
    );
    const blocks = done.body.trim().split('\n\n');
    expect(blocks.map((block) => block.split('\n')[0])).toEqual([
      'retry: 1000',
      'event: status',
      'event: end',
    ]);
    expect(JSON.parse(blocks[1]!.split('\n')[1]!.slice(6)).files).toHaveLength(3);
  });

  it('serves the OpenAPI document under the stage', async () => {
    const doc = await handler(v2Event('GET', '/exports/openapi.json'));
    expect(doc.statusCode).toBe(200);
    expect(JSON.parse(doc.body).openapi).toBe('3.1.0');
  });
});
