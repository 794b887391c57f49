// The CSV encoder alone: 1,000,000 pre-generated rows × 10 mixed columns, encoded into ~64 KB
// chunks of bytes written to a sink that discards them (honouring backpressure), beside
// csv-stringify's stream API with cast options for the same serialization contract, into the
// same kind of sink. Both outputs are hashed first and must be byte-identical. One warm-up,
// then the best of three runs each. The same for 100,000 rows of long text (LLM traces), as CSV
// and as NDJSON (beside the hand-built way: an object per row, a `JSON.stringify` line each),
// then the row scanner of the COPY fast path, over our bytes of the 10-column rows.
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import {
  type ByteSink,
  type Column,
  createRowEncoder,
  csvRowScanner,
  type Row,
  resolveCsvOptions,
} from '@exportkit/core';
import { stringify } from 'csv-stringify';
import { jsonLines } from './lib/json-lines.js';
import { emit } from './lib/report.js';
import { benchColumns, benchRow, longTextColumns, longTextRow } from './lib/rows.js';

const count = Number(process.env.BENCH_ROWS ?? 1_000_000);
const chunkBytes = 64 * 1024;
const csv = resolveCsvOptions();

/** Rows to encode, and their columns. */
interface Dataset {
  columns: Column[];
  rows: Row[];
}

const mixed: Dataset = {
  columns: benchColumns,
  rows: Array.from({ length: count }, (_, i) => benchRow(i + 1)),
};
const longText: Dataset = {
  columns: longTextColumns,
  rows: Array.from({ length: Math.ceil(count / 10) }, (_, i) => longTextRow(i + 1)),
};

/**
 * Our encoder as the worker drives it: rows written as UTF-8 straight into a buffer, handed on
 * in ~64 KB chunks (a fresh buffer each, as the sink may still hold the last one).
 */
const ours =
  (format: 'csv' | 'ndjson'): Writer =>
  async ({ columns, rows }, sink) => {
    const encoder = createRowEncoder(format, columns, { csv });
    const out = new ChunkBuffer();
    let at = out.buffer.write(encoder.partStart);
    for (let i = 0; i < rows.length; i++) {
      at = encoder.encode(rows[i]!, i === 0, out, at);
      if (at >= chunkBytes) {
        const more = sink.write(out.take(at));
        at = 0;
        if (!more) await once(sink, 'drain');
      }
    }
    sink.end(Buffer.concat([out.take(at), Buffer.from(encoder.partEnd)]));
    await finished(sink);
  };

class ChunkBuffer implements ByteSink {
  buffer = Buffer.allocUnsafe(2 * chunkBytes);

  reserve(at: number, bytes: number): Buffer {
    if (this.buffer.length - at >= bytes) return this.buffer;
    const next = Buffer.allocUnsafe(at + bytes + chunkBytes);
    this.buffer.copy(next, 0, 0, at);
    this.buffer = next;
    return next;
  }

  take(end: number): Buffer {
    const chunk = this.buffer.subarray(0, end);
    this.buffer = Buffer.allocUnsafe(2 * chunkBytes);
    return chunk;
  }
}

/** csv-stringify's stream API, cast to the same contract (ISO dates, true/false, exact bigint). */
async function csvStringify({ columns, rows }: Dataset, sink: Writable): Promise<void> {
  await pipeline(
    Readable.from(rows),
    stringify({
      header: true,
      columns: columns.map((c) => c.name),
      record_delimiter: '\r\n',
      // csv-stringify stops quoting a lone LF once record_delimiter is set; RFC 4180 needs it.
      quote_record_delimiter: true,
      cast: {
        date: (d) => d.toISOString(),
        boolean: (b) => (b ? 'true' : 'false'),
        bigint: (b) => b.toString(),
      },
    }),
    sink,
  );
}

/** NDJSON the hand-built way (see `jsonLines`). */
async function jsonLinesOf({ columns, rows }: Dataset, sink: Writable): Promise<void> {
  await pipeline(Readable.from(jsonLines(columns, rows)), sink);
}

/** Discards what it is given; its highWaterMark still applies, so writers see backpressure. */
function nullSink(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** Our output, kept from the hashing run for the scanner benchmark below. */
const encoded: Buffer[] = [];

function hashSink(hash: Hash, keep: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      if (keep) encoded.push(chunk);
      callback();
    },
  });
}

type Writer = (set: Dataset, sink: Writable) => Promise<void>;

async function digest(run: Writer, set: Dataset, keep = false): Promise<string> {
  const hash = createHash('sha256');
  await run(set, hashSink(hash, keep));
  return hash.digest('hex');
}

async function bestRowsPerSecond(run: Writer, set: Dataset): Promise<number> {
  await run(set, nullSink());
  let best = 0;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    await run(set, nullSink());
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, set.rows.length / seconds);
  }
  return Math.round(best);
}

/** Checks that ours and the baseline write the same bytes, then emits their best rates. */
async function compare(
  name: string,
  set: Dataset,
  format: 'csv' | 'ndjson',
  baseline: Writer,
  target?: string,
): Promise<void> {
  const [ourHash, baselineHash] = [
    await digest(ours(format), set, set === mixed),
    await digest(baseline, set),
  ];
  if (ourHash !== baselineHash) {
    throw new Error(`${name}: outputs differ: ours ${ourHash}, baseline ${baselineHash}`);
  }
  const baselineRate = await bestRowsPerSecond(baseline, set);
  const ourRate = await bestRowsPerSecond(ours(format), set);
  emit({
    name,
    ours: ourRate,
    baseline: baselineRate,
    ratio: Math.round((ourRate / baselineRate) * 100) / 100,
    unit: 'rows/s',
    target,
    note: `byte-identical output (sha256 ${ourHash.slice(0, 12)}…), best of 3 after a warm-up`,
  });
}

const longTextRows = `${longText.rows.length.toLocaleString('en-US')} rows of long text (3 cols, ~2.3 KB a row)`;
await compare('csv-writer 1M rows x 10 cols', mixed, 'csv', csvStringify, '>= 1.8');
await compare(`csv-writer ${longTextRows}`, longText, 'csv', csvStringify);
await compare(
  `ndjson-writer ${longTextRows} vs JSON.stringify lines`,
  longText,
  'ndjson',
  jsonLinesOf,
);

// The COPY fast path's quote-aware row scanner over the same CSV bytes (quoted commas, quotes
// and newlines included) in 64 KiB chunks, beside the plain byte-at-a-time loop it replaces.
const data = Buffer.concat(encoded);
encoded.length = 0;
const megabytes = data.length / 1e6;

function scannerRows(): number {
  const scanner = csvRowScanner();
  let found = 0;
  for (let at = 0; at < data.length; at += 64 * 1024) {
    found += scanner.advance(data.subarray(at, at + 64 * 1024)).rows;
  }
  return found;
}

function byteLoopRows(): number {
  let inQuotes = false;
  let found = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === 0x22) inQuotes = !inQuotes;
    else if (byte === 0x0a && !inQuotes) found++;
  }
  return found;
}

function bestMegabytesPerSecond(scan: () => number): number {
  let best = 0;
  for (let i = 0; i < 4; i++) {
    const start = process.hrtime.bigint();
    const found = scan();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (found !== count + 1) throw new Error(`scanner found ${found} rows, expected ${count + 1}`);
    best = Math.max(best, megabytes / seconds);
  }
  return Math.round(best);
}

const byteLoopRate = bestMegabytesPerSecond(byteLoopRows);
const scannerRate = bestMegabytesPerSecond(scannerRows);
emit({
  name: `csv-row-scanner ${Math.round(megabytes)} MB`,
  ours: scannerRate,
  baseline: byteLoopRate,
  ratio: Math.round((scannerRate / byteLoopRate) * 100) / 100,
  unit: 'MB/s',
  target: '>= 500 MB/s',
  note: 'baseline: a plain byte-at-a-time quote-aware loop; best of 4 (the first run warms up)',
});
