import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { isExportkitError } from '@exportkit/core';
import { mapS3Error, type S3Encryption, S3ObjectStore } from '@exportkit/s3';
import { objectStoreConformance } from '@exportkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCommands, recordRequestHeaders } from './support/record-commands.js';
import { type S3rverHandle, s3ClientFor, startS3rver } from './support/s3rver.js';

const MiB = 1024 * 1024;
let server: S3rverHandle;

beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

async function freshStore(options: { prefix?: string } = {}): Promise<S3ObjectStore> {
  return new S3ObjectStore({
    client: server.client,
    bucket: await server.createBucket(),
    ...options,
  });
}

/** Size and sha256 of an object, read back through the store. */
async function storedDigest(
  store: S3ObjectStore,
  key: string,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.get(key)) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

objectStoreConformance(
  's3 (s3rver)',
  async () => ({ store: await freshStore() }),
  // The server starts in beforeAll, after the suite collects its tests. s3rver stores ~70 small
  // objects a second here, so the suite's pagination test stays small; the extra test below
  // crosses the 1,000-key page and batch limits.
  { capabilities: { signedUrls: true, maxSignedUrlMs: 7 * 24 * 60 * 60 * 1000 }, manyKeys: 120 },
);

objectStoreConformance(
  's3 (s3rver) under a prefix',
  async () => ({ store: await freshStore({ prefix: 'tenant-root/exports' }) }),
  {
    capabilities: { signedUrls: true, maxSignedUrlMs: 7 * 24 * 60 * 60 * 1000 },
    manyKeys: 30,
  },
);

describe('S3ObjectStore extras', () => {
  it('streams a ~16 MiB body as a multipart upload of more than 3 parts, byte for byte', async () => {
    const bucket = await server.createBucket();
    const client = s3ClientFor(server.endpoint);
    const sent = recordCommands(client);
    const store = new S3ObjectStore({ client, bucket, partSizeBytes: 5 * MiB, queueSize: 2 });
    const total = 16 * MiB + 12_345;
    const expected = createHash('sha256');
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for (let offset = 0, i = 0; offset < total; offset += 256 * 1024, i++) {
        const chunk = new Uint8Array(Math.min(256 * 1024, total - offset)).fill(i % 251);
        expected.update(chunk);
        yield chunk;
      }
    };
    expect(await store.put('big/part-00001.csv', body())).toEqual({ size: total });
    const parts = sent.filter((c) => c.name === 'UploadPartCommand');
    expect(parts.length).toBe(4);
    expect(sent.some((c) => c.name === 'CreateMultipartUploadCommand')).toBe(true);
    expect(sent.some((c) => c.name === 'CompleteMultipartUploadCommand')).toBe(true);
    expect(await storedDigest(store, 'big/part-00001.csv')).toEqual({
      size: total,
      sha256: expected.digest('hex'),
    });
    client.destroy();
  });

  it('cuts parts on exact 5 MiB boundaries from chunks that straddle them, with at most queueSize parts in flight', async () => {
    const bucket = await server.createBucket();
    const client = s3ClientFor(server.endpoint);
    const sent = recordCommands(client);
    let inFlight = 0;
    let mostInFlight = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'UploadPartCommand') return next(args);
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'exportkitCountInFlight' },
    );
    const store = new S3ObjectStore({ client, bucket, partSizeBytes: 5 * MiB, queueSize: 2 });
    // Odd-sized chunks, so most of them are split between two parts.
    const chunkSize = 700_001;
    const total = 23 * MiB + 5;
    const expected = createHash('sha256');
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < total; offset += chunkSize) {
        const chunk = new Uint8Array(Math.min(chunkSize, total - offset));
        for (let i = 0; i < chunk.length; i++) chunk[i] = (offset + i) % 253;
        expected.update(chunk);
        yield chunk;
      }
    };
    expect(await store.put('straddle/object', body())).toEqual({ size: total });
    const parts = sent.filter((c) => c.name === 'UploadPartCommand');
    expect(parts.map((c) => c.input.ContentLength)).toEqual([
      5 * MiB,
      5 * MiB,
      5 * MiB,
      5 * MiB,
      3 * MiB + 5,
    ]);
    expect(mostInFlight).toBe(2);
    const complete = sent.find((c) => c.name === 'CompleteMultipartUploadCommand');
    const listed = complete?.input.MultipartUpload as { Parts: { PartNumber: number }[] };
    expect(listed.Parts.map((part) => part.PartNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(await storedDigest(store, 'straddle/object')).toEqual({
      size: total,
      sha256: expected.digest('hex'),
    });
    client.destroy();
  });

  // S3 refuses a part whose checksum type differs from the upload's ("Checksum Type mismatch
  // occurred, expected checksum Type: null, actual checksum Type: crc32"); s3rver checks no
  // checksums, so the requests themselves are checked here.
  for (const [calculation, algorithm] of [
    ['WHEN_SUPPORTED', 'CRC32'],
    ['WHEN_REQUIRED', undefined],
  ] as const) {
    it(`creates the multipart upload with the checksum its parts carry (${calculation})`, async () => {
      const client = s3ClientFor(server.endpoint, { requestChecksumCalculation: calculation });
      const headers = recordRequestHeaders(client);
      const store = new S3ObjectStore({ client, bucket: await server.createBucket() });
      const body = async function* (): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 11; i++) yield new Uint8Array(MiB).fill(i);
      };
      await store.put('checksums/object', body());
      client.destroy();
      const create = headers.filter((h) => h.command === 'CreateMultipartUploadCommand');
      const parts = headers.filter((h) => h.command === 'UploadPartCommand');
      expect(create.map((h) => h.headers['x-amz-checksum-algorithm'])).toEqual([algorithm]);
      expect(parts).toHaveLength(3);
      for (const part of parts) {
        const sent = Object.keys(part.headers).filter((name) => name.startsWith('x-amz-checksum-'));
        expect(sent).toEqual(algorithm ? [`x-amz-checksum-${algorithm.toLowerCase()}`] : []);
      }
    });
  }

  it('maps a failed UploadPart to a typed error and aborts the multipart upload', async () => {
    const bucket = await server.createBucket();
    const client = s3ClientFor(server.endpoint);
    const sent = recordCommands(client);
    // A real server does not fail on request; this middleware answers part 2 as S3 does under
    // an internal error, after the request for part 1 went to the server.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { PartNumber?: number };
        if (context.commandName === 'UploadPartCommand' && input.PartNumber === 2) {
          throw Object.assign(new Error('We encountered an internal error.'), {
            name: 'InternalError',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'exportkitFailPart2' },
    );
    const store = new S3ObjectStore({
      client,
      bucket,
      partSizeBytes: 5 * MiB,
      queueSize: 2,
      logger: { warn() {} },
    });
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 30; i++) yield new Uint8Array(MiB).fill(i);
    };
    const error = await store.put('failing/object', body()).catch((e: unknown) => e);
    expect(isExportkitError(error, 'STORAGE_ERROR')).toBe(true);
    expect((error as { retryable?: boolean }).retryable).toBe(true);
    expect((error as Error).message).toMatch(/UploadPart of "failing\/object".*InternalError/);
    const uploadId = sent.find((c) => c.name === 'CreateMultipartUploadCommand')?.output?.UploadId;
    expect(
      sent.filter((c) => c.name === 'AbortMultipartUploadCommand').map((c) => c.input.UploadId),
    ).toEqual([uploadId]);
    expect(sent.some((c) => c.name === 'CompleteMultipartUploadCommand')).toBe(false);
    // Reading stopped soon after the failure: at most the parts already in flight went up.
    expect(sent.filter((c) => c.name === 'UploadPartCommand').length).toBeLessThanOrEqual(4);
    expect(await store.head('failing/object')).toBeUndefined();
    client.destroy();
  });

  it('gives the event loop a turn at least once per MiB of a body that never waits for I/O', async () => {
    // Without turns, an in-process producer (the worker's encoder) starves the sockets of the
    // parts in flight: the first 5 MiB alone would be read before any turn.
    const store = await freshStore();
    const chunk = 64 * 1024;
    let produced = 0;
    let atLastTurn = 0;
    let worstGap = 0;
    let watching = true;
    const onTurn = () => {
      atLastTurn = produced;
      if (watching) setImmediate(onTurn);
    };
    setImmediate(onTurn);
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 192; i++) {
        worstGap = Math.max(worstGap, produced - atLastTurn);
        produced += chunk;
        yield new Uint8Array(chunk).fill(i);
      }
    };
    try {
      expect(await store.put('turns/object', body())).toEqual({ size: 12 * MiB });
    } finally {
      watching = false;
    }
    expect(worstGap).toBeLessThanOrEqual(2 * MiB);
  });

  it('aborts the multipart upload (never leaves it open) when the body fails after parts went up', async () => {
    const bucket = await server.createBucket();
    const client = s3ClientFor(server.endpoint);
    const sent = recordCommands(client);
    const warnings: string[] = [];
    const store = new S3ObjectStore({
      client,
      bucket,
      partSizeBytes: 5 * MiB,
      queueSize: 1,
      logger: { warn: (message) => warnings.push(message) },
    });
    const failure = new Error('source broke');
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 12; i++) yield new Uint8Array(MiB);
      throw failure;
    };
    await expect(store.put('broken/object', body())).rejects.toBe(failure);
    const created = sent.find((c) => c.name === 'CreateMultipartUploadCommand');
    expect(created, 'the test must fail after the multipart upload started').toBeDefined();
    const uploadId = created?.output?.UploadId as string | undefined;
    const aborts = sent.filter((c) => c.name === 'AbortMultipartUploadCommand');
    expect(aborts.map((c) => c.input.UploadId)).toEqual([uploadId]);
    expect(sent.some((c) => c.name === 'CompleteMultipartUploadCommand')).toBe(false);
    // s3rver answers AbortMultipartUpload with 405 and has no ListMultipartUploads, so the store
    // logs the failed abort (real S3 accepts it); the caller still sees the body's own error.
    expect(warnings.length).toBeLessThanOrEqual(1);
    expect(await store.head('broken/object')).toBeUndefined();
    client.destroy();
  });

  it('releases the body when the multipart upload fails before reading it (no bucket)', async () => {
    let released = false;
    const body = async function* (): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 8; i++) yield new Uint8Array(MiB);
      } finally {
        released = true; // a cursor or file would close here
      }
    };
    const store = new S3ObjectStore({ client: server.client, bucket: 'no-such-bucket-here' });
    const put = store.put('orphan/part-00001.csv', body());
    await expect(put).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(released).toBe(true);
  });

  it('aborts the multipart upload when the signal aborts midway, rejecting with CANCELLED', async () => {
    const bucket = await server.createBucket();
    const client = s3ClientFor(server.endpoint);
    const sent = recordCommands(client);
    const store = new S3ObjectStore({
      client,
      bucket,
      partSizeBytes: 5 * MiB,
      queueSize: 1,
      logger: { warn() {} },
    });
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 40; i++) {
        if (i === 12) controller.abort(reason);
        yield new Uint8Array(MiB);
      }
    };
    const error = await store
      .put('aborted/object', body(), { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(isExportkitError(error, 'CANCELLED')).toBe(true);
    expect((error as Error).cause).toBe(reason);
    const uploadId = sent.find((c) => c.name === 'CreateMultipartUploadCommand')?.output?.UploadId;
    expect(uploadId).toBeDefined();
    expect(
      sent.filter((c) => c.name === 'AbortMultipartUploadCommand').map((c) => c.input.UploadId),
    ).toEqual([uploadId]);
    expect(sent.filter((c) => c.name === 'UploadPartCommand').length).toBeLessThanOrEqual(3);
    expect(await store.head('aborted/object')).toBeUndefined();
    client.destroy();
  });

  it('a presigned URL fetched over HTTP returns the bytes with the download name as Content-Disposition', async () => {
    const store = await freshStore({ prefix: 'exports' });
    const bytes = new TextEncoder().encode('id,name\r\n1,Zoë\r\n');
    await store.put('t1/abc/run/part-00001.csv', bytes, { contentType: 'text/csv' });
    const url = await store.signedUrl('t1/abc/run/part-00001.csv', {
      expiresInMs: 60_000,
      downloadName: 'Bestellungen März "2024".csv',
    });
    expect(url).toContain('X-Amz-Expires=60');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Bestellungen M_rz _2024_.csv"; filename*=UTF-8''Bestellungen%20M%C3%A4rz%20%222024%22.csv`,
    );
  });

  it('refuses expiresInMs above 7 days or not positive with INVALID_CONFIG', async () => {
    const store = await freshStore();
    for (const expiresInMs of [7 * 24 * 3600 * 1000 + 1, 0, -5, Number.NaN]) {
      const error = await store.signedUrl('a/b', { expiresInMs }).catch((e: unknown) => e);
      expect(isExportkitError(error, 'INVALID_CONFIG'), String(expiresInMs)).toBe(true);
    }
  });

  it('lists across more than 1,000 keys in order and deletes them in batches of at most 1,000', async () => {
    const bucket = await server.createBucket();
    const client = s3ClientFor(server.endpoint);
    const sent = recordCommands(client);
    const store = new S3ObjectStore({ client, bucket });
    const keys = Array.from({ length: 1_001 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 32)
      await Promise.all(keys.slice(i, i + 32).map((k) => store.put(k, '')));
    const listed: string[] = [];
    for await (const info of store.list('k/')) listed.push(info.key);
    expect(listed).toEqual(keys);
    expect(sent.filter((c) => c.name === 'ListObjectsV2Command').length).toBe(2);
    await store.delete([...keys, 'k/missing', keys[0]!]);
    const deletes = sent.filter((c) => c.name === 'DeleteObjectsCommand');
    expect(deletes.map((c) => (c.input.Delete as { Objects: unknown[] }).Objects.length)).toEqual([
      1000, 2,
    ]);
    const left: string[] = [];
    for await (const info of store.list('')) left.push(info.key);
    expect(left).toEqual([]);
    client.destroy();
  });

  it('lists past keys other tools wrote that no method accepts (folder markers), and says so', async () => {
    const bucket = await server.createBucket();
    const warnings: unknown[] = [];
    const store = new S3ObjectStore({
      client: server.client,
      bucket,
      logger: { warn: (_message, fields) => warnings.push(fields?.key) },
    });
    await store.put('t1/run/part-00001.csv', 'a\n');
    // What the S3 console's "Create folder" and some sync tools write beside real objects.
    // (s3rver cannot hold `a//b` keys, which real S3 can; the same check skips those.)
    for (const Key of ['t1/', 't1/run/']) {
      await server.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: '' }));
    }
    const listed: string[] = [];
    for await (const info of store.list('t1/')) listed.push(info.key);
    expect(listed).toEqual(['t1/run/part-00001.csv']);
    expect(warnings).toEqual(['t1/', 't1/run/']);
    // So a cleanup of everything listed goes through.
    await store.delete(listed);
    expect(await store.head('t1/run/part-00001.csv')).toBeUndefined();
  });

  it('maps SDK errors: a missing bucket is INVALID_CONFIG, a dead endpoint STORAGE_ERROR (retryable), both with cause', async () => {
    const missing = new S3ObjectStore({
      client: server.client,
      bucket: 'no-such-bucket-exportkit',
    });
    const error = await missing.put('a', 'x').catch((e: unknown) => e);
    expect(isExportkitError(error, 'INVALID_CONFIG')).toBe(true);
    expect((error as Error).message).toMatch(
      /^\[exportkit\] \[s3\] PutObject of "a" in bucket "no-such-bucket-exportkit"/,
    );
    expect((error as Error).cause).toBeDefined();
    const deadClient = s3ClientFor('http://127.0.0.1:9');
    const dead = new S3ObjectStore({ client: deadClient, bucket: 'b' });
    const down = await dead.head('a').catch((e: unknown) => e);
    expect(isExportkitError(down, 'STORAGE_ERROR')).toBe(true);
    expect((down as { retryable?: boolean }).retryable).toBe(true);
    deadClient.destroy();
  });

  it('maps what S3 answers beyond s3rver: region, KMS, vanished uploads and malformed requests', () => {
    // s3rver answers none of these; the errors have the SDK's shape for each.
    const sdkError = (name: string, status: number) =>
      Object.assign(new Error(`${name} says S3`), {
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: status },
      });
    const map = (name: string, status: number) =>
      mapS3Error(sdkError(name, status), { action: 'UploadPart', bucket: 'b', key: 'k' });
    const cases: [string, number, string, boolean, RegExp][] = [
      ['PermanentRedirect', 301, 'INVALID_CONFIG', false, /region/],
      ['AuthorizationHeaderMalformed', 400, 'INVALID_CONFIG', false, /region/],
      ['KMS.DisabledException', 400, 'ACCESS_DENIED', false, /KMS key/],
      ['KMS.AccessDeniedException', 403, 'ACCESS_DENIED', false, /KMS key/],
      ['NoSuchUpload', 404, 'STORAGE_ERROR', true, /run again/],
      ['InvalidArgument', 400, 'STORAGE_ERROR', false, /malformed/],
      ['EntityTooSmall', 400, 'STORAGE_ERROR', false, /malformed/],
      ['InternalError', 500, 'STORAGE_ERROR', true, /retrying may help/],
      ['NoSuchKey', 404, 'OBJECT_NOT_FOUND', false, /does not exist/],
    ];
    for (const [name, status, code, retryable, hint] of cases) {
      const error = map(name, status);
      expect({ name, code: error.code, retryable: error.retryable }).toEqual({
        name,
        code,
        retryable,
      });
      expect(error.message).toMatch(hint);
    }
  });

  it('rejects invalid options with INVALID_CONFIG', () => {
    const client = server.client;
    expect(() => new S3ObjectStore({ client, bucket: '' })).toThrow(/bucket/);
    expect(() => new S3ObjectStore({ client, bucket: 'b', partSizeBytes: MiB })).toThrow(
      /partSizeBytes/,
    );
    expect(() => new S3ObjectStore({ client, bucket: 'b', queueSize: 0 })).toThrow(/queueSize/);
    expect(() => new S3ObjectStore({ client, bucket: 'b', multipartThresholdBytes: MiB })).toThrow(
      /multipartThreshold/,
    );
    expect(() => new S3ObjectStore({ client, bucket: 'b', prefix: '../x' })).toThrow(
      /Invalid object key/,
    );
    // From JavaScript or a config file: a string is not taken as a yes.
    const signPayload = 'false' as unknown as boolean;
    expect(() => new S3ObjectStore({ client, bucket: 'b', signPayload })).toThrow(/signPayload/);
  });
});

describe('S3ObjectStore expectedBucketOwner', () => {
  // s3rver ignores the header, so the requests are checked: S3 answers 403 to any that names
  // another owner.
  it('names the owner in every request, parts and abort included, but not in presigned URLs', async () => {
    const client = s3ClientFor(server.endpoint);
    const headers = recordRequestHeaders(client);
    const store = new S3ObjectStore({
      client,
      bucket: await server.createBucket(),
      expectedBucketOwner: '111122223333',
      queueSize: 1,
      logger: { warn: () => {} },
    });
    const body = async function* (fail: boolean): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 11; i++) yield new Uint8Array(MiB).fill(i);
      if (fail) throw new Error('source broke');
    };
    await store.put('owned/small.json', '{}');
    await store.put('owned/big.csv', body(false));
    await expect(store.put('owned/broken.csv', body(true))).rejects.toThrow('source broke');
    expect(await storedDigest(store, 'owned/big.csv')).toMatchObject({ size: 11 * MiB });
    expect(await store.head('owned/small.json')).toMatchObject({ size: 2 });
    for await (const _ of store.list('owned/'));
    await store.delete(['owned/small.json', 'owned/big.csv']);
    const url = await store.signedUrl('owned/big.csv', { expiresInMs: 60_000 });
    client.destroy();
    const commands = new Set(headers.map((h) => h.command));
    expect([...commands].sort()).toEqual([
      'AbortMultipartUploadCommand',
      'CompleteMultipartUploadCommand',
      'CreateMultipartUploadCommand',
      'DeleteObjectsCommand',
      'GetObjectCommand',
      'HeadObjectCommand',
      'ListObjectsV2Command',
      'PutObjectCommand',
      'UploadPartCommand',
    ]);
    for (const sent of headers) {
      expect(sent.headers['x-amz-expected-bucket-owner'], sent.command).toBe('111122223333');
    }
    expect(url).not.toMatch(/expected-bucket-owner/i);
  });

  it('refuses an owner that is not a 12-digit account id with INVALID_CONFIG', () => {
    for (const expectedBucketOwner of ['', '1111-2222-3333', '11112222333', 111122223333]) {
      expect(
        () =>
          new S3ObjectStore({
            client: server.client,
            bucket: 'b',
            expectedBucketOwner: expectedBucketOwner as string,
          }),
      ).toThrow(/expectedBucketOwner.*12-digit/);
    }
  });
});

describe('S3ObjectStore encryption', () => {
  const kmsKeyId = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const cases: [S3Encryption, Record<string, string>][] = [
    [{ type: 'AES256' }, { 'x-amz-server-side-encryption': 'AES256' }],
    [
      { type: 'aws:kms', kmsKeyId, bucketKey: true },
      {
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyId,
        'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      },
    ],
    [{ type: 'aws:kms:dsse' }, { 'x-amz-server-side-encryption': 'aws:kms:dsse' }],
  ];
  // s3rver stores objects unencrypted and ignores these headers, so the requests are checked:
  // S3 takes them on PutObject and CreateMultipartUpload, and refuses SSE-KMS headers on parts.
  for (const [encryption, expected] of cases) {
    it(`sends ${encryption.type} with every PutObject and CreateMultipartUpload, never with a part`, async () => {
      const client = s3ClientFor(server.endpoint);
      const headers = recordRequestHeaders(client);
      const store = new S3ObjectStore({ client, bucket: await server.createBucket(), encryption });
      const body = async function* (): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 11; i++) yield new Uint8Array(MiB).fill(i);
      };
      await store.put('exports/manifest.json', '{"parts":[]}', { contentType: 'application/json' });
      await store.put('exports/part-00001.csv', body());
      expect(await storedDigest(store, 'exports/part-00001.csv')).toMatchObject({ size: 11 * MiB });
      client.destroy();
      const encryptionHeaders = (sent: { headers: Record<string, string> }) =>
        Object.fromEntries(
          Object.entries(sent.headers).filter(([name]) =>
            name.startsWith('x-amz-server-side-encryption'),
          ),
        );
      const byCommand = (name: string) =>
        headers.filter((h) => h.command === name).map(encryptionHeaders);
      expect(byCommand('PutObjectCommand')).toEqual([expected]);
      expect(byCommand('CreateMultipartUploadCommand')).toEqual([expected]);
      expect(byCommand('UploadPartCommand')).toEqual([{}, {}, {}]);
      expect(byCommand('CompleteMultipartUploadCommand')).toEqual([{}]);
    });
  }

  it('refuses an encryption S3 would not take with INVALID_CONFIG saying what to fix', () => {
    const client = server.client;
    const refused = (encryption: unknown) => {
      try {
        new S3ObjectStore({ client, bucket: 'b', encryption: encryption as S3Encryption });
      } catch (error) {
        expect(isExportkitError(error) && error.code).toBe('INVALID_CONFIG');
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(encryption)}`);
    };
    expect(refused({ type: 'aws:kms:fake' })).toMatch(/'AES256', 'aws:kms' or 'aws:kms:dsse'/);
    expect(refused('AES256')).toMatch(/encryption.type/);
    expect(refused({ type: 'AES256', kmsKeyId })).toMatch(/SSE-KMS only/);
    expect(refused({ type: 'aws:kms', kmsKeyId: '' })).toMatch(/kmsKeyId/);
    expect(refused({ type: 'aws:kms', bucketKey: 'yes' })).toMatch(/bucketKey/);
    expect(refused({ type: 'aws:kms:dsse', bucketKey: true })).toMatch(/Bucket Keys/);
  });
});
