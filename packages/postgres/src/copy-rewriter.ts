import { oids, parseTimestamp } from './column-types.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const ZERO = 0x30;
const DOT = 0x2e;
const PLUS = 0x2b;
const SPACE = 0x20;
const DASH = 0x2d;
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];

/** How a column's PostgreSQL text becomes core's contract text. */
const Kind = { Same: 0, Bool: 1, Timestamp: 2, Bytea: 3 } as const;
/** One of {@link Kind}'s values. */
export type ColumnKind = (typeof Kind)[keyof typeof Kind];

/**
 * Characters PostgreSQL's text of booleans, timestamps and bytea can hold. COPY never quotes
 * such a field unless the delimiter is one of these, so the rewriter needs no unquoting; for
 * these delimiters the SQL expressions of `copyExpression` are used instead.
 */
const nativeTextChars = /[0-9A-Za-z+\-./:= \\]/;

/** The column kinds for `typeOids`, or `undefined` when no column needs rewriting. */
export function contractKinds(typeOids: readonly number[]): ColumnKind[] | undefined {
  const kinds = typeOids.map(kindOf);
  return kinds.some((k) => k !== Kind.Same) ? kinds : undefined;
}

/** `count` columns that are all copied as they are (for a CRLF rewrite alone). */
export function sameKinds(count: number): ColumnKind[] {
  return Array.from({ length: count }, () => Kind.Same);
}

/** Whether {@link createCopyRewriter} can handle this delimiter. */
export function rewritableDelimiter(delimiter: string): boolean {
  return !nativeTextChars.test(delimiter);
}

function kindOf(oid: number): ColumnKind {
  switch (oid) {
    case oids.bool:
      return Kind.Bool;
    case oids.timestamp:
    case oids.timestamptz:
      return Kind.Timestamp;
    case oids.bytea:
      return Kind.Bytea;
    default:
      return Kind.Same;
  }
}

/**
 * A stateful rewriter of COPY's CSV bytes (PostgreSQL's native text, session TimeZone UTC,
 * DateStyle ISO, bytea hex) into core's serialization contract, exactly as the cursor path's
 * values are written: `t`/`f` → `true`/`false`, `2024-01-02 03:04:05.123456+00` →
 * `2024-01-02T03:04:05.123Z` (truncated to milliseconds, like `Date`), `\x0102` → base64; and
 * LF row ends → CRLF when asked. `kinds` has one entry per column (all `Same` for CRLF only).
 *
 * It relies on the shape of COPY's output: every row has `kinds.length` fields, and a field is
 * either quoted as a whole or holds no quote, delimiter, CR or LF. So up to the last rewritten
 * column an unquoted field ends at the next delimiter; past it, a row with no quote left ends
 * at the next LF, found with `Buffer#indexOf` (memchr, 5-10× a JavaScript byte loop here), and
 * quoted fields are skipped quote to quote the same way. Unchanged bytes are moved in runs.
 * Quote state, the column and a field cut by a chunk boundary carry across chunks. Rewritten
 * fields are never quoted by COPY (see {@link rewritableDelimiter}).
 */
export function createCopyRewriter(
  kinds: readonly ColumnKind[],
  delimiter: string,
  lineEnding: 'crlf' | 'lf',
): (chunk: Buffer) => Buffer {
  const delim = delimiter.charCodeAt(0);
  const crlf = lineEnding === 'crlf';
  const last = kinds.length - 1;
  let lastRewritten = -1;
  for (let c = 0; c <= last; c++) if (kinds[c] !== Kind.Same) lastRewritten = c;
  // Where the scan stands between chunks (copied into locals while a chunk is scanned).
  let carriedColumn = 0;
  let carriedState: State = State.FieldStart;
  // The start of a rewritten field that the previous chunk cut.
  let partial: Buffer | undefined;
  // Input and output share one buffer: the input at the start, the output after it, so runs of
  // unchanged bytes move with `copyWithin` (a memmove, no view allocated per call).
  let shared = Buffer.allocUnsafeSlow(0);

  return (input) => {
    const carried = partial?.length ?? 0;
    const n = carried + input.length;
    // Worst case per input byte: `t,` → `false,` (3×); a LF → CRLF is 2×.
    if (shared.length < n * 4 + 64) shared = Buffer.allocUnsafeSlow(n * 4 + 64);
    const buf = shared;
    if (partial) buf.set(partial, 0);
    buf.set(input, carried);
    partial = undefined;
    // Searches stop at the input's end: Buffer#indexOf takes no end offset.
    const data = buf.subarray(0, n);
    let o = n;
    // Bytes from `copied` up to the scan position are unchanged and not yet in the output.
    let copied = 0;
    let i = 0;
    // The next quote at or after `i` (-1: none in this chunk), looked up again only once passed.
    let nextQuote = -2;
    let column = carriedColumn;
    let state = carriedState;
    while (i < n) {
      if (state === State.Quoted) {
        const q = data.indexOf(QUOTE, i);
        if (q === -1) {
          i = n;
          break;
        }
        // A closing quote, or the first of a doubled one: the field continues after it.
        i = q + 1;
        state = State.AfterQuote;
        continue;
      }
      if (state === State.AfterQuote) {
        const b = buf[i]!;
        if (b === QUOTE) {
          state = State.Quoted;
          i++;
        } else if (b === LF) {
          // A row end (the LF at `i`); inlined: a closure over the locals slows the loop.
          if (crlf) {
            o = copyWithCr(buf, o, copied, i);
            copied = i;
          }
          column = 0;
          state = State.FieldStart;
          i++;
        } else {
          // The delimiter.
          column++;
          state = State.FieldStart;
          i++;
        }
        continue;
      }
      if (state === State.FieldStart) {
        if (column > lastRewritten) {
          // Past every rewritten column only row ends matter: a row with no quote left ends at
          // the next LF; a quote there opens a quoted field (unquoted fields hold none).
          const lf = data.indexOf(LF, i);
          if (nextQuote !== -1 && nextQuote < i) nextQuote = data.indexOf(QUOTE, i);
          if (lf !== -1 && (nextQuote === -1 || nextQuote > lf)) {
            // A row end (the LF at `lf`); inlined: a closure over the locals slows the loop.
            if (crlf) {
              o = copyWithCr(buf, o, copied, lf);
              copied = lf;
            }
            column = 0;
            state = State.FieldStart;
            i = lf + 1;
          } else if (nextQuote === -1) {
            // The row goes on in the next chunk, still past the rewritten columns.
            i = n;
          } else {
            state = State.Quoted;
            i = nextQuote + 1;
          }
          continue;
        }
        const kind = kinds[column] ?? Kind.Same;
        if (kind !== Kind.Same) {
          let end = i;
          while (end < n) {
            const b = buf[end];
            if (b === delim || b === LF) break;
            end++;
          }
          buf.copyWithin(o, copied, i);
          o += i - copied;
          if (end === n) {
            partial = Buffer.from(buf.subarray(i, n));
            copied = i = n;
            break;
          }
          if (end > i) o = writeField(kind, buf, i, end, buf, o);
          copied = end;
          // Continue at the field's end, as for an unquoted field.
          i = end;
          state = State.Unquoted;
        } else if (buf[i] === QUOTE) {
          state = State.Quoted;
          i++;
          continue;
        } else state = State.Unquoted;
      }
      // Unquoted, up to the last rewritten column: the field ends at the next delimiter, the
      // last field at the next LF. Fields are short here: a byte loop beats an indexOf call.
      const stop = column < last ? delim : LF;
      let end = i;
      while (end < n && buf[end] !== stop) end++;
      if (end === n) {
        i = n;
        break;
      }
      if (stop === LF) {
        // A row end (the LF at `end`); inlined: a closure over the locals slows the loop.
        if (crlf) {
          o = copyWithCr(buf, o, copied, end);
          copied = end;
        }
        column = 0;
        state = State.FieldStart;
        i = end + 1;
      } else {
        column++;
        state = State.FieldStart;
        i = end + 1;
      }
    }
    carriedColumn = column;
    carriedState = state;
    buf.copyWithin(o, copied, n);
    o += n - copied;
    return Buffer.from(buf.subarray(n, o));
  };
}

/** Copies `buf[from, to)` to the output at `o`, then a CR; returns the new output end. */
function copyWithCr(buf: Buffer, o: number, from: number, to: number): number {
  buf.copyWithin(o, from, to);
  const end = o + to - from;
  buf[end] = CR;
  return end + 1;
}

/** Where the rewriter's scan stands. */
const State = { FieldStart: 0, Unquoted: 1, Quoted: 2, AfterQuote: 3 } as const;
type State = (typeof State)[keyof typeof State];

/** Writes the contract text of one non-empty, unquoted field `chunk[from, to)`; returns the new end. */
function writeField(
  kind: ColumnKind,
  chunk: Buffer,
  from: number,
  to: number,
  out: Buffer,
  o: number,
): number {
  switch (kind) {
    case Kind.Bool:
      return writeAscii(chunk[from] === 0x74 ? TRUE : FALSE, out, o);
    case Kind.Timestamp:
      return writeTimestamp(chunk, from, to, out, o);
    default: {
      // `\x` then hex digits.
      const bytes = Buffer.from(chunk.toString('latin1', from + 2, to), 'hex');
      return out.write(bytes.toString('base64'), o, 'latin1') + o;
    }
  }
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f…][+00]` copied into `YYYY-MM-DDTHH:MM:SS.fffZ` byte by byte; anything
 * else (other offsets, `infinity`, BC, years outside 100–9999) goes through the cursor path's
 * own parser, so both paths agree.
 */
function writeTimestamp(chunk: Buffer, from: number, to: number, out: Buffer, o: number): number {
  const length = to - from;
  let fraction = from + 19;
  let fractionEnd = fraction;
  if (chunk[fraction] === DOT) {
    fractionEnd = fraction + 1;
    while (fractionEnd < to && isDigit(chunk[fractionEnd]!)) fractionEnd++;
  }
  const rest = to - fractionEnd;
  const fast =
    length >= 19 &&
    chunk[from + 4] === DASH &&
    chunk[from + 10] === SPACE &&
    !(chunk[from] === ZERO && chunk[from + 1] === ZERO) &&
    (rest === 0 ||
      (rest === 3 &&
        chunk[fractionEnd] === PLUS &&
        chunk[fractionEnd + 1] === ZERO &&
        chunk[fractionEnd + 2] === ZERO));
  if (!fast) {
    const value = parseTimestamp(chunk.toString('latin1', from, to));
    const text = typeof value === 'string' ? value : value.toISOString();
    return out.write(text, o, 'latin1') + o;
  }
  // A byte loop: a native copy call per field costs more than 19 bytes.
  for (let k = from; k < from + 19; k++) out[o++] = chunk[k]!;
  out[o - 9] = 0x54; // the T between date and time
  out[o++] = DOT;
  fraction++;
  for (let d = 0; d < 3; d++) out[o++] = fraction < fractionEnd ? chunk[fraction++]! : ZERO;
  out[o++] = 0x5a; // Z
  return o;
}

function writeAscii(bytes: readonly number[], out: Buffer, o: number): number {
  let at = o;
  for (const byte of bytes) out[at++] = byte;
  return at;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
