import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PartUpload } from '../src/parts/part-upload.js';
import type { ObjectBody, ObjectStore } from '../src/ports/object-store.js';

/** A store whose put reads the body as `read` says; only `put` is called here. */
function storeThat(read: (body: AsyncIterable<Uint8Array>) => Promise<Uint8Array[]>) {
  const stored: Buffer[] = [];
  const store = {
    name: 'test',
    async put(_key: string, body: ObjectBody) {
      const chunks = await read(body as AsyncIterable<Uint8Array>);
      stored.push(Buffer.concat(chunks));
      return { size: stored.at(-1)?.length ?? 0 };
    },
  } as unknown as ObjectStore;
  return { store, stored };
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks;
}

function upload(store: ObjectStore, gzipLevel?: number) {
  return new PartUpload({
    store,
    key: 'run/part-00001.csv',
    contentType: 'text/csv',
    gzipLevel,
    signal: new AbortController().signal,
  });
}

/** 3 MiB in slices of every size the worker writes: rows, runs of rows, whole chunks. */
function slices(): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; out.reduce((n, s) => n + s.length, 0) < 3 * 1024 * 1024; i++) {
    out.push(Buffer.alloc([100, 5_000, 70_000][i % 3] as number, i % 251));
  }
  return out;
}

async function writeAll(part: PartUpload, data: Buffer[]): Promise<void> {
  for (const slice of data) if (part.writeBytes(slice)) await part.drain();
}

describe('PartUpload', () => {
  it('stores every byte in order and reports their sha256 and count, plain or gzipped', async () => {
    const data = slices();
    const all = Buffer.concat(data);
    for (const gzipLevel of [undefined, 1]) {
      const { store, stored } = storeThat(readAll);
      const part = upload(store, gzipLevel);
      await writeAll(part, data);
      const result = await part.finish();
      const bytes = stored[0] as Buffer;
      // equals(), not toEqual(): a deep comparison of 3 MiB takes vitest ~20 s.
      expect((gzipLevel === undefined ? bytes : gunzipSync(bytes)).equals(all)).toBe(true);
      expect(result.bytes).toBe(bytes.length);
      expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('fails with STORAGE_ERROR when the store stops reading before the end', async () => {
    const { store } = storeThat(async (body) => {
      for await (const _ of body) break;
      return [];
    });
    const part = upload(store);
    await expect(
      (async () => {
        await writeAll(part, slices());
        await part.finish();
      })(),
    ).rejects.toMatchObject({ code: 'STORAGE_ERROR', message: /stopped reading/ });
  });

  it('fails with STORAGE_ERROR, instead of waiting for ever, when the put ends without reading', async () => {
    for (const gzipLevel of [undefined, 1]) {
      const { store } = storeThat(async () => []);
      const part = upload(store, gzipLevel);
      await expect(
        (async () => {
          await writeAll(part, slices());
          await part.finish();
        })(),
      ).rejects.toMatchObject({ code: 'STORAGE_ERROR', message: /finished before part/ });
    }
  });

  it("surfaces the store's failure to the writer, and an abort to the store", async () => {
    const { store } = storeThat(async (body) => {
      let seen = 0;
      for await (const chunk of body) {
        seen += chunk.length;
        if (seen > 1024 * 1024) throw new Error('disk full');
      }
      return [];
    });
    const failing = upload(store);
    await expect(writeAll(failing, slices())).rejects.toMatchObject({
      code: 'STORAGE_ERROR',
      message: /disk full/,
    });

    let storeSaw: unknown;
    const { store: reading } = storeThat(async (body) => {
      try {
        return await readAll(body);
      } catch (error) {
        storeSaw = error;
        throw error;
      }
    });
    const aborted = upload(reading);
    aborted.writeBytes(Buffer.alloc(100_000));
    const reason = new Error('cancelled');
    await aborted.abort(reason);
    expect(storeSaw).toBe(reason);
  });
});
