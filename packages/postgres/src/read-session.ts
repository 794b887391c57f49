import type { ClientLike, PoolLike } from './pg-like.js';

/**
 * Settings every read runs under, local to its read-only transaction so the pooled connection
 * is left as it was: UTC and ISO dates so timestamps parse and print one way; shortest exact
 * floats (PostgreSQL 12+; 17 digits before); standard strings, which the literal inliner and
 * the SQL lexer assume; hex bytea, which the parser expects.
 */
const begin = [
  'BEGIN READ ONLY',
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  'SET LOCAL extra_float_digits = 3',
  'SET LOCAL standard_conforming_strings = on',
  "SET LOCAL bytea_output = 'hex'",
].join('; ');

/**
 * One pooled connection held for one read, released exactly once: back to the pool after a
 * clean end (`finish`), or closed (`destroy`) when the protocol state is unknown (an error, or a
 * COPY cut short, which the protocol cannot stop but by closing the connection).
 */
export class ReadSession {
  private released = false;

  private constructor(readonly client: ClientLike) {}

  /** Checks out a connection and opens the read-only transaction. */
  static async open(pool: PoolLike): Promise<ReadSession> {
    const client = await pool.connect();
    const session = new ReadSession(client);
    try {
      await client.query({ text: begin });
    } catch (error) {
      session.destroy(error);
      throw error;
    }
    return session;
  }

  /** Ends the transaction and returns the connection to the pool; closes it if that fails. */
  async finish(): Promise<void> {
    if (this.released) return;
    try {
      await this.client.query({ text: 'ROLLBACK' });
    } catch (error) {
      this.destroy(error);
      return;
    }
    if (this.released) return;
    this.released = true;
    this.client.release();
  }

  /** Closes the connection instead of returning it (the pool opens a fresh one when needed). */
  destroy(reason?: unknown): void {
    if (this.released) return;
    this.released = true;
    this.client.release(
      reason instanceof Error ? reason : new Error(String(reason ?? 'read aborted')),
    );
  }

  get isReleased(): boolean {
    return this.released;
  }
}
