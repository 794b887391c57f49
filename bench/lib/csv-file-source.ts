import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Column, RowSource } from '@exportkit/core';

/**
 * A RowSource whose rows arrive already encoded: the data rows of CSV files on disk, streamed
 * through `openEncoded` the way Postgres `COPY ... TO STDOUT` reaches the worker. The worker
 * then splits, hashes and uploads bytes but encodes nothing, so an export from it measures the
 * worker's pipeline without the row encoder. Each file's first line (its header) is skipped, as
 * the worker writes its own. It has no `open`: it only serves CSV.
 */
export function csvFileSource(columns: readonly Column[], files: readonly string[]): RowSource {
  return {
    name: 'csv-file',
    async open() {
      throw new Error('csvFileSource serves encoded CSV only');
    },
    async openEncoded() {
      const starts = await Promise.all(files.map(afterFirstLine));
      return { columns, chunks: concatFiles(files, starts) };
    },
  };
}

async function* concatFiles(
  files: readonly string[],
  starts: readonly number[],
): AsyncGenerator<Uint8Array> {
  for (const [i, file] of files.entries()) {
    yield* createReadStream(file, { start: starts[i], highWaterMark: 64 * 1024 });
  }
}

/** The offset after the file's first `\n`. */
async function afterFirstLine(file: string): Promise<number> {
  const handle = await open(file);
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const end = head.subarray(0, bytesRead).indexOf(0x0a);
    if (end < 0) throw new Error(`${file}: no line end in its first ${bytesRead} bytes`);
    return end + 1;
  } finally {
    await handle.close();
  }
}
