import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { CopyOut } from '../src/copy-out.js';

/*
 * CopyOut's message parser against backend byte streams cut into socket reads at random
 * offsets, headers included. The real-server tests (row-source, hostile-values, abort,
 * round-trip) cover it end to end; here every cut is reached, which a local socket rarely does.
 */

/** One backend message: type byte, length (itself included), body. */
function message(type: string, body: Buffer | string): Buffer {
  const bytes = Buffer.from(body);
  const header = Buffer.alloc(5);
  header[0] = type.charCodeAt(0);
  header.writeUInt32BE(bytes.length + 4, 1);
  return Buffer.concat([header, bytes]);
}

const copyOutResponse = message('H', Buffer.from([0, 0, 2, 0, 0, 0, 0]));
const notice = message('N', 'SNOTICE\0Mrow 2\0\0');
const copyDone = message('c', '');
/** What follows CopyDone: `pg` reads it. */
const afterCopy = Buffer.concat([message('C', 'COPY 3\0'), message('Z', 'I')]);
const error = message('E', 'SERROR\0C22012\0Mdivision by zero\0\0');

/** A fake connection: the socket is an emitter `pg`'s parser (`pgRead`) listens to. */
function connection() {
  const stream = Object.assign(new EventEmitter(), {
    paused: false,
    pause() {
      stream.paused = true;
      return stream;
    },
    resume() {
      stream.paused = false;
      return stream;
    },
  });
  const pgRead: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => pgRead.push(Buffer.from(chunk)));
  const sent: string[] = [];
  const query = (text: string) => sent.push(text);
  return { stream, pgRead, sent, query };
}

/** Runs `wire` through a CopyOut in reads cut at `cuts`; returns what each side got. */
async function run(wire: Buffer, cuts: number[], end: (copy: CopyOut) => void) {
  const conn = connection();
  const copy = new CopyOut('COPY (SELECT 1) TO STDOUT');
  copy.submit(conn as never);
  const got: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of copy.chunks()) got.push(Buffer.from(chunk));
  })();
  const offsets = [...new Set([0, ...cuts.filter((c) => c < wire.length), wire.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < offsets.length; i++) {
    // A copy per read: the parser rewrites its read in place, as it may a socket's buffer.
    conn.stream.emit('data', Buffer.from(wire.subarray(offsets[i - 1], offsets[i])));
  }
  end(copy);
  const outcome = await reading.then(
    () => undefined,
    (e: unknown) => e,
  );
  return {
    rows: Buffer.concat(got).toString(),
    pg: Buffer.concat(conn.pgRead),
    outcome,
    conn,
  };
}

const cuts = fc.array(fc.nat({ max: 200 }), { maxLength: 30 });
const rows = ['1,"a\nb"\n', '2,ü\n', '3,\n'];

describe('CopyOut', () => {
  it('sends the query and passes on exactly the CopyData bytes, wherever reads are cut', async () => {
    const wire = Buffer.concat([
      copyOutResponse,
      message('d', rows[0] as string),
      notice,
      message('d', rows[1] as string),
      message('d', rows[2] as string),
      copyDone,
      afterCopy,
    ]);
    await fc.assert(
      fc.asyncProperty(cuts, async (at) => {
        const result = await run(wire, at, (copy) => copy.handleReadyForQuery());
        expect(result.outcome).toBeUndefined();
        expect(result.rows).toBe(rows.join(''));
        // pg gets the socket back with every byte after CopyDone, and reads on.
        expect(result.pg.equals(afterCopy)).toBe(true);
        expect(result.conn.stream.listenerCount('data')).toBe(1);
        expect(result.conn.sent).toEqual(['COPY (SELECT 1) TO STDOUT']);
      }),
    );
  });

  it('hands an ErrorResponse to pg and fails with what pg reports', async () => {
    const fromError = Buffer.concat([error, message('Z', 'I')]);
    const wire = Buffer.concat([copyOutResponse, message('d', rows[0] as string), fromError]);
    await fc.assert(
      fc.asyncProperty(cuts, async (at) => {
        const failure = new Error('division by zero');
        const result = await run(wire, at, (copy) => {
          copy.handleError(failure);
          copy.handleReadyForQuery();
        });
        expect(result.outcome).toBe(failure);
        expect(result.pg.equals(fromError)).toBe(true);
      }),
    );
  });

  it('pauses the socket while the consumer is behind, and gives it back to pg running', async () => {
    const conn = connection();
    const copy = new CopyOut('COPY x TO STDOUT');
    copy.submit(conn as never);
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 8; i++) conn.stream.emit('data', message('d', big));
    expect(conn.stream.paused).toBe(true);
    conn.stream.emit('data', Buffer.concat([copyDone, afterCopy]));
    await new Promise((resolve) => process.nextTick(resolve));
    expect(conn.stream.paused).toBe(false);
    expect(Buffer.concat(conn.pgRead).equals(afterCopy)).toBe(true);
    copy.handleReadyForQuery();
    let bytes = 0;
    for await (const chunk of copy.chunks()) bytes += chunk.length;
    expect(bytes).toBe(800_000);
  });

  it("calls pg's callback once when the query is over, so a query_timeout timer is cleared", () => {
    const conn = connection();
    const copy = new CopyOut('COPY x TO STDOUT');
    const callback = vi.fn();
    copy.callback = callback;
    copy.submit(conn as never);
    conn.stream.emit('data', Buffer.concat([message('d', '1\n'), copyDone, afterCopy]));
    copy.handleReadyForQuery();
    copy.handleError(new Error('Query read timeout'));
    expect(callback).toHaveBeenCalledTimes(1);
    expect(callback).toHaveBeenCalledWith(null);
  });

  it("refuses a connection pg is not the only reader of, through pg's error path", () => {
    const conn = connection();
    conn.stream.on('data', () => undefined);
    const error = new CopyOut('COPY x TO STDOUT').submit(conn as never);
    expect(error?.message).toMatch(/another reader.*copy: false/);
    expect(conn.sent).toEqual([]);
    expect(conn.stream.listenerCount('data')).toBe(2);
  });
});
