import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isExportkitError } from '../../src/errors.js';
import { contentType, createGzipStream, fileExtension } from '../../src/writers/index.js';

describe('fileExtension and contentType', () => {
  it('names each format, with .gz when compressed', () => {
    expect(fileExtension('csv', 'none')).toBe('csv');
    expect(fileExtension('ndjson', 'none')).toBe('ndjson');
    expect(fileExtension('json', 'none')).toBe('json');
    expect(fileExtension('csv', 'gzip')).toBe('csv.gz');
    expect(fileExtension('json')).toBe('json');
  });

  it('gives each format its media type, and application/gzip when compressed', () => {
    expect(contentType('csv')).toBe('text/csv; charset=utf-8');
    expect(contentType('ndjson')).toBe('application/x-ndjson; charset=utf-8');
    expect(contentType('json', 'none')).toBe('application/json; charset=utf-8');
    expect(contentType('csv', 'gzip')).toBe('application/gzip');
  });
});

describe('createGzipStream', () => {
  it('compresses what is written, in 64 KiB output chunks', async () => {
    // Level 0 stores, so the output is as large as the input and fills whole chunks.
    const input = Buffer.alloc(300_000, 'a,b\r\n');
    const gzip = createGzipStream(0);
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = once(gzip, 'end');
    gzip.end(input);
    await done;
    expect(gunzipSync(Buffer.concat(chunks)).equals(input)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBe(64 * 1024);
  });

  it('rejects a level outside 0-9 with INVALID_CONFIG', () => {
    for (const level of [-1, 10, 1.5]) {
      let caught: unknown;
      try {
        createGzipStream(level);
      } catch (error) {
        caught = error;
      }
      expect(isExportkitError(caught, 'INVALID_CONFIG')).toBe(true);
    }
  });
});
