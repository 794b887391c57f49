import type { Column } from '@exportkit/core';

/** The 10 mixed columns every benchmark exports. */
export const benchColumns: Column[] = [
  { name: 'id', type: 'number' },
  { name: 'account', type: 'string' },
  { name: 'title', type: 'string' },
  { name: 'amount', type: 'decimal' },
  { name: 'ratio', type: 'number' },
  { name: 'created_at', type: 'date' },
  { name: 'active', type: 'boolean' },
  { name: 'counter', type: 'bigint' },
  { name: 'note', type: 'string' },
  { name: 'city', type: 'string' },
];

const titles = [
  'plain title',
  'has, comma',
  'has "quotes"',
  'multi\nline',
  'ünïcødé ✓ 日本',
  'trailing space ',
];
const cities = ['Berlin', 'São Paulo', 'Lagos', 'Tōkyō', 'New York', 'Zürich'];
const start = Date.UTC(2026, 0, 1);

/** Row `i` of the benchmark dataset: deterministic, cheap to make, varied enough to need quoting. */
export function benchRow(i: number): unknown[] {
  return [
    i,
    `acct-${(i * 2654435761) % 1_000_003}`,
    titles[i % titles.length],
    `${i % 100_000}.${String(i % 100).padStart(2, '0')}`,
    (i % 1000) / 7,
    new Date(start + i * 1000),
    i % 2 === 0,
    BigInt(i) * 1_000_003n,
    i % 5 === 0 ? null : `note ${i}`,
    cities[i % cities.length],
  ];
}

/** `count` rows, generated lazily so the dataset itself takes no memory. */
export function* benchRows(count: number): Generator<unknown[]> {
  for (let i = 1; i <= count; i++) yield benchRow(i);
}

/** Distinct rows in {@link heldRows}' dataset. */
const heldPoolSize = 8192;
let heldPool: unknown[][] | undefined;

/**
 * `count` rows read from a dataset already in memory, as `memoryRowSource` over an array reads
 * them: 8,192 distinct rows of {@link benchRow}, served in turn with the id renumbered. For
 * benches whose baseline only moves bytes (the S3 upload alone): making each row with
 * {@link benchRows} costs ~0.46 µs, more than encoding it, and that is the data source's work,
 * which a database does in its own process, not the worker's.
 */
export function* heldRows(count: number): Generator<unknown[]> {
  heldPool ??= Array.from({ length: heldPoolSize }, (_, i) => benchRow(i + 1));
  for (let i = 1; i <= count; i++) {
    const row = (heldPool[i % heldPoolSize] as unknown[]).slice();
    row[0] = i;
    yield row;
  }
}

/** Columns of {@link longTextRow}: an LLM trace, as the trace-export system stores them. */
export const longTextColumns: Column[] = [
  { name: 'id', type: 'number' },
  { name: 'prompt', type: 'string' },
  { name: 'completion', type: 'string' },
];

const sentences = [
  'The export finished in 42 seconds, well inside the limit.',
  'She said "ship it" and closed the ticket, twice.',
  'Rows are streamed, never held: memory stays flat.',
  'Résumé, naïve café and Zürich all need two bytes a letter.',
  'Use the signed URL before it expires; ask again for a fresh one.',
  'Numbers like 1,234.56 keep their commas inside quotes.',
  '日本語のテキストも正しく書き出されます。',
  'A newline ends this line.\nAnd another starts here.',
];
const longTextPoolSize = 1024;
let longTextPool: { prompt: string; completion: string }[] | undefined;

/** Text of about `length` units from the sentences above, starting at sentence `seed`. */
function prose(seed: number, length: number): string {
  let text = '';
  for (let i = seed; text.length < length; i++) text += `${sentences[i % sentences.length]} `;
  return text.trimEnd();
}

/**
 * Row `i` of a long-text dataset: a ~300-unit prompt and a ~2,000-unit completion with quotes,
 * commas, newlines and non-ASCII text, from a pool of 1,024 distinct pairs.
 */
export function longTextRow(i: number): unknown[] {
  longTextPool ??= Array.from({ length: longTextPoolSize }, (_, k) => ({
    prompt: prose(k, 250 + (k % 100)),
    completion: prose(k * 3, 1_800 + ((k * 7) % 400)),
  }));
  const { prompt, completion } = longTextPool[i % longTextPoolSize]!;
  return [i, prompt, completion];
}
