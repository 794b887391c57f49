import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTlsRelay, type TlsRelay } from '@exportkit/dev-servers';
import { S3ObjectStore } from '@exportkit/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRequestHeaders, type SentHeaders } from './support/record-commands.js';
import { type S3rverHandle, s3ClientFor, startS3rver } from './support/s3rver.js';

const MiB = 1024 * 1024;
const unsigned = 'UNSIGNED-PAYLOAD';
let server: S3rverHandle;
/** HTTPS in front of s3rver, which speaks only HTTP: clients talk to S3 over HTTPS. */
let relay: TlsRelay;

beforeAll(async () => {
  server = await startS3rver();
  const { hostname, port } = new URL(server.endpoint);
  relay = await startTlsRelay({ target: { host: hostname, port: Number(port) } });
});
afterAll(async () => {
  await relay?.close();
  await server?.stop();
});

/** 11 MiB in 1 MiB chunks, each filled with its index: three parts of 5, 5 and 1 MiB. */
function body(): AsyncGenerator<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < 11; i++) yield new Uint8Array(MiB).fill(i);
  })();
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const partHashes = [
  sha256(Buffer.concat(Array.from({ length: 5 }, (_, i) => new Uint8Array(MiB).fill(i)))),
  sha256(Buffer.concat(Array.from({ length: 5 }, (_, i) => new Uint8Array(MiB).fill(i + 5)))),
  sha256(new Uint8Array(MiB).fill(10)),
];
const small = new TextEncoder().encode('id,name\n1,Ada\n');

/** Puts a multipart body and a small one; returns what each upload sent as its body's hash. */
async function upload(
  client: S3Client,
  signPayload?: boolean,
): Promise<{ parts: (string | undefined)[]; single: (string | undefined)[]; sent: SentHeaders[] }> {
  const sent = recordRequestHeaders(client);
  const store = new S3ObjectStore({ client, bucket: await server.createBucket(), signPayload });
  await store.put('signing/large.csv', body());
  await store.put('signing/small.csv', small);
  const hashOf = (command: string) =>
    sent.filter((s) => s.command === command).map((s) => s.headers['x-amz-content-sha256']);
  // The bytes arrived whole, however they were signed.
  let size = 0;
  for await (const chunk of await store.get('signing/large.csv')) size += chunk.byteLength;
  expect(size).toBe(11 * MiB);
  return { parts: hashOf('UploadPartCommand'), single: hashOf('PutObjectCommand'), sent };
}

describe('S3ObjectStore payload signing', () => {
  it('over HTTP signs each upload body with its SHA-256 by default', async () => {
    const client = s3ClientFor(server.endpoint);
    const { parts, single } = await upload(client);
    client.destroy();
    expect(parts).toEqual(partHashes);
    expect(single).toEqual([sha256(small)]);
  });

  it('over HTTP sends UNSIGNED-PAYLOAD with signPayload: false, and still the CRC32', async () => {
    const client = s3ClientFor(server.endpoint);
    const { parts, single, sent } = await upload(client, false);
    client.destroy();
    expect(parts).toEqual([unsigned, unsigned, unsigned]);
    expect(single).toEqual([unsigned]);
    const crc = sent.filter((s) => s.command === 'UploadPartCommand');
    expect(crc.every((s) => s.headers['x-amz-checksum-crc32'] !== undefined)).toBe(true);
  });

  describe('over HTTPS', () => {
    const httpsClient = () =>
      s3ClientFor(`https://localhost:${relay.port}`, {
        requestHandler: { httpsAgent: new Agent({ ca: relay.ca }) },
      });

    it('sends upload bodies as UNSIGNED-PAYLOAD by default, leaving the client’s other requests signed', async () => {
      const client = httpsClient();
      const { parts, single, sent } = await upload(client);
      expect(parts).toEqual([unsigned, unsigned, unsigned]);
      expect(single).toEqual([unsigned]);
      const crc = sent.filter((s) => s.command === 'UploadPartCommand');
      expect(crc.every((s) => s.headers['x-amz-checksum-crc32'] !== undefined)).toBe(true);
      // The store changes its own commands only, not the client it was given.
      const bucket = await server.createBucket();
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'own', Body: small }));
      client.destroy();
      expect(sent.at(-1)?.headers['x-amz-content-sha256']).toBe(sha256(small));
      expect(relay.tlsSessions).toBeGreaterThan(0);
    });

    it('signs upload bodies with signPayload: true', async () => {
      const client = httpsClient();
      const { parts, single } = await upload(client, true);
      client.destroy();
      expect(parts).toEqual(partHashes);
      expect(single).toEqual([sha256(small)]);
    });
  });
});
