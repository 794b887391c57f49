import {
  ExportkitError,
  type JobMessage,
  type Queue,
  type QueueCapabilities,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendOptions,
} from '@exportkit/core';
import { quoteIdentifier } from './identifiers.js';
import { wrapPgError } from './pg-error.js';
import type { PoolLike, QueryResultLike } from './pg-like.js';
import { QueueListener } from './queue-listener.js';

/** Options for {@link PostgresQueue}. */
export interface PostgresQueueOptions {
  /** A `pg.Pool`; the queue never ends it. */
  pool: PoolLike;
  /** @defaultValue `'exportkit'` */
  schema?: string;
  /** @defaultValue `'queue'` */
  table?: string;
  /**
   * Deliveries before a message is dead-lettered: the receive after the last allowed delivery
   * marks it dead instead (kept in the table, see `deadLetters()`). @defaultValue `5`
   */
  maxReceives?: number;
  /**
   * Wake long polls with `LISTEN`/`NOTIFY` instead of waiting for the next poll. Holds one
   * pooled connection per queue while any receive waits. @defaultValue `false`
   */
  notify?: boolean;
  /**
   * How often an empty long poll looks again. With `notify` it only matters for delayed
   * messages and lapsed leases, which send no notification. @defaultValue `250`
   */
  pollIntervalMs?: number;
}

const ms = (param: string): string => `(${param}::double precision * interval '1 millisecond')`;

/**
 * A queue in one PostgreSQL table (see `postgresMigrations`). Receive claims ready rows with
 * `FOR UPDATE SKIP LOCKED`, so any number of workers share it without blocking each other; an
 * unacked message becomes visible again when its lease (`visible_at`) passes.
 */
export class PostgresQueue implements Queue {
  readonly name = 'postgres';
  readonly capabilities: QueueCapabilities = { delay: true, dedup: true, deadLetter: true };
  private readonly pool: PoolLike;
  private readonly table: string;
  private readonly maxReceives: number;
  private readonly pollIntervalMs: number;
  private readonly channel: string | undefined;
  private listener: QueueListener | undefined;

  constructor(options: PostgresQueueOptions) {
    this.pool = options.pool;
    const schema = options.schema ?? 'exportkit';
    const table = options.table ?? 'queue';
    this.table = `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(table, 'table')}`;
    this.maxReceives = options.maxReceives ?? 5;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    if (!Number.isInteger(this.maxReceives) || this.maxReceives < 1) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] [postgres] maxReceives must be an integer of at least 1.',
        {
          details: { maxReceives: options.maxReceives },
        },
      );
    }
    this.channel = options.notify ? `exportkit_${schema}_${table}`.slice(0, 63) : undefined;
  }

  async send(message: JobMessage, options: SendOptions = {}): Promise<void> {
    const insert = `INSERT INTO ${this.table} (tenant_id, export_id, dedup_id, visible_at)
      VALUES ($1, $2, $3, now() + ${ms('$4')})
      ON CONFLICT (dedup_id) WHERE receive_count = 0 AND dedup_id IS NOT NULL DO NOTHING`;
    const values = [
      message.tenantId,
      message.exportId,
      options.dedupId ?? null,
      options.delayMs ?? 0,
    ];
    await this.run(
      'Sending a message',
      this.channel
        ? `WITH sent AS (${insert} RETURNING id) SELECT pg_notify($5, '') FROM sent`
        : insert,
      this.channel ? [...values, this.channel] : values,
    );
  }

  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + (options.waitTimeMs ?? 0);
    for (;;) {
      if (options.signal?.aborted) return [];
      const received = await this.claim(options.maxMessages ?? 1, options.visibilityTimeoutMs);
      if (received.length > 0) return received;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.waitForWork(Math.min(left, this.pollIntervalMs), options.signal);
    }
  }

  async ack(message: ReceivedMessage): Promise<void> {
    const { id, receipt } = parseReceipt(message.receipt);
    await this.run('Acking a message', `DELETE FROM ${this.table} WHERE id = $1 AND receipt = $2`, [
      id,
      receipt,
    ]);
  }

  async nack(message: ReceivedMessage, options: { delayMs?: number } = {}): Promise<void> {
    const { id, receipt } = parseReceipt(message.receipt);
    const update = `UPDATE ${this.table} SET visible_at = now() + ${ms('$3')}, receipt = NULL
      WHERE id = $1 AND receipt = $2`;
    const delayMs = options.delayMs ?? 0;
    if (this.channel && delayMs === 0) {
      await this.run(
        'Nacking a message',
        `WITH back AS (${update} RETURNING id) SELECT pg_notify($4, '') FROM back`,
        [id, receipt, 0, this.channel],
      );
    } else {
      await this.run('Nacking a message', update, [id, receipt, delayMs]);
    }
  }

  /**
   * Throws `QUEUE_ERROR` (not retryable) when the delivery is no longer held: its lease lapsed
   * and it was received again, or it was acked or nacked.
   */
  async extendLease(message: ReceivedMessage, visibilityTimeoutMs: number): Promise<void> {
    const { id, receipt } = parseReceipt(message.receipt);
    const result = await this.run(
      'Extending a lease',
      `UPDATE ${this.table} SET visible_at = now() + ${ms('$3')} WHERE id = $1 AND receipt = $2`,
      [id, receipt, visibilityTimeoutMs],
    );
    if (result.rowCount !== 1) {
      throw new ExportkitError(
        'QUEUE_ERROR',
        `[exportkit] [postgres] The lease of message ${id} is lost: it was received again after its visibility timeout, or already acked; stop working on it.`,
        { retryable: false, details: { id } },
      );
    }
  }

  /** The bodies of dead-lettered messages, oldest first. */
  async deadLetters(): Promise<JobMessage[]> {
    const result = await this.run(
      'Reading dead letters',
      `SELECT tenant_id, export_id FROM ${this.table} WHERE dead_at IS NOT NULL ORDER BY dead_at, id`,
      [],
    );
    return (result.rows as { tenant_id: string; export_id: string }[]).map((row) => ({
      exportId: row.export_id,
      tenantId: row.tenant_id,
    }));
  }

  /** Stops the LISTEN connection, if any. The pool is the caller's and stays open. */
  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }

  /**
   * Claims up to `limit` ready messages in one statement. Rows already delivered `maxReceives`
   * times are marked dead instead; when that leaves nothing, the claim runs again.
   */
  private async claim(limit: number, visibilityTimeoutMs: number): Promise<ReceivedMessage[]> {
    for (;;) {
      const result = await this.run(
        'Receiving messages',
        `WITH claimed AS (
          SELECT id, receive_count FROM ${this.table}
          WHERE dead_at IS NULL AND visible_at <= now()
          ORDER BY visible_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
        ), dead AS (
          UPDATE ${this.table} q SET dead_at = now(), receipt = NULL FROM claimed
          WHERE q.id = claimed.id AND claimed.receive_count >= $2 RETURNING q.id
        ), live AS (
          UPDATE ${this.table} q SET receive_count = q.receive_count + 1, receipt = gen_random_uuid(),
            visible_at = now() + ${ms('$3')}
          FROM claimed WHERE q.id = claimed.id AND claimed.receive_count < $2
          RETURNING q.id, q.tenant_id, q.export_id, q.receive_count, q.receipt, q.visible_at
        )
        SELECT id, tenant_id, export_id, receive_count, receipt::text AS receipt FROM live
        UNION ALL SELECT id, NULL, NULL, NULL, NULL FROM dead`,
        [limit, this.maxReceives, visibilityTimeoutMs],
      );
      const rows = result.rows as ClaimRow[];
      const live = rows.filter((row) => row.receipt !== null);
      if (live.length > 0 || live.length === rows.length) {
        return live
          .sort((a, b) => Number(a.id) - Number(b.id))
          .map((row) => ({
            body: { exportId: row.export_id!, tenantId: row.tenant_id! },
            receipt: `${row.id}.${row.receipt}`,
            receiveCount: row.receive_count!,
          }));
      }
    }
  }

  private async waitForWork(waitMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.channel) {
      this.listener ??= new QueueListener(this.pool, this.channel);
      await this.listener.wait(waitMs, signal);
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private async run(doing: string, text: string, values: unknown[]): Promise<QueryResultLike> {
    try {
      return await this.pool.query({ text, values });
    } catch (error) {
      throw wrapPgError(error, 'QUEUE_ERROR', doing);
    }
  }
}

interface ClaimRow {
  id: string;
  tenant_id: string | null;
  export_id: string | null;
  receive_count: number | null;
  receipt: string | null;
}

function parseReceipt(receipt: string): { id: string; receipt: string } {
  const match = /^(\d+)\.([0-9a-f-]{36})$/.exec(receipt);
  if (!match) {
    throw new ExportkitError(
      'INVALID_REQUEST',
      '[exportkit] [postgres] Not a receipt of this queue; pass a message from receive().',
      {
        details: { receipt: receipt.slice(0, 100) },
      },
    );
  }
  return { id: match[1]!, receipt: match[2]! };
}
