import type { ClientLike, NotificationLike, PoolLike } from './pg-like.js';

/**
 * One `LISTEN` connection per queue, shared by all its long polls: a notification wakes every
 * waiter, which then tries to claim. If the connection fails, waiters fall back to polling and
 * the next long poll opens a new one.
 */
export class QueueListener {
  private client: Promise<ClientLike | undefined> | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly pool: PoolLike,
    readonly channel: string,
  ) {}

  /** Resolves after `ms`, on a notification, or when `signal` aborts, whichever comes first. */
  async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    await this.connect();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Stops listening and returns the connection to the pool. */
  async close(): Promise<void> {
    const client = await this.client;
    this.client = undefined;
    for (const wake of [...this.waiters]) wake();
    if (!client) return;
    client.removeListener('notification', this.onNotification);
    client.removeListener('error', this.onError);
    try {
      await client.query({ text: `UNLISTEN "${this.channel}"` });
      client.release();
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private connect(): Promise<ClientLike | undefined> {
    this.client ??= (async () => {
      let client: ClientLike | undefined;
      try {
        client = await this.pool.connect();
        client.on('notification', this.onNotification);
        client.on('error', this.onError);
        await client.query({ text: `LISTEN "${this.channel}"` });
        return client;
      } catch (error) {
        // Polling still works without the listener; try again on the next long poll.
        client?.release(error instanceof Error ? error : new Error(String(error)));
        this.client = undefined;
        return undefined;
      }
    })();
    return this.client;
  }

  private readonly onNotification = (message: NotificationLike): void => {
    if (message.channel !== this.channel) return;
    for (const wake of [...this.waiters]) wake();
  };

  private readonly onError = (error: Error): void => {
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => c?.release(error));
  };
}
