import type { EncodedStream, Row, RowSource, RowStream, SourceQuery } from '@exportkit/core';

/** A SourceQuery for tests. */
export function sourceQuery(
  filters: Record<string, unknown> = {},
  extra: Partial<SourceQuery> = {},
): SourceQuery {
  return { tenantId: 't1', type: 'items', filters, columns: [], ...extra };
}

/** Every row of a stream. */
export async function readAll(stream: RowStream): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of stream.batches) rows.push(...batch);
  return rows;
}

/** Every byte of an encoded stream, as text. */
export async function readText(stream: EncodedStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream.chunks) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Opens the COPY path with CSV defaults, failing the test when the source declines. */
export async function openCsv(
  source: RowSource,
  query: SourceQuery,
  csv: { delimiter?: string; lineEnding?: 'crlf' | 'lf' } = {},
  signal: AbortSignal = new AbortController().signal,
): Promise<EncodedStream> {
  const stream = await source.openEncoded?.(query, {
    format: 'csv',
    csv: { delimiter: csv.delimiter ?? ',', lineEnding: csv.lineEnding ?? 'lf' },
    signal,
  });
  if (!stream) throw new Error('the source declined the COPY path');
  return stream;
}
