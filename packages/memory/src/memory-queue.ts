import {
  ExportkitError,
  type JobMessage,
  type Queue,
  type QueueCapabilities,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendOptions,
} from '@exportkit/core';

/** Options for {@link MemoryQueue}. */
export interface MemoryQueueOptions {
  /** Deliveries a message gets before the next receive moves it to {@link MemoryQueue.deadLetters}. @defaultValue `5` */
  maxReceives?: number;
  /**
   * Current time in ms since the epoch, deciding visibility and delays. Long polls still wait
   * in real time, so with a fake clock call `receive` again after advancing it. @defaultValue `Date.now`
   */
  clock?: () => number;
}

/** How many messages a {@link MemoryQueue} holds, by state. */
export interface MemoryQueueCounts {
  /** Deliverable now or after a delay. */
  waiting: number;
  /** Received and not yet acked, nacked or timed out. */
  inFlight: number;
  deadLetters: number;
}

interface Entry {
  id: number;
  body: JobMessage;
  dedupId: string | undefined;
  visibleAt: number;
  receiveCount: number;
  /** The receipt of the latest delivery; cleared by nack. Older receipts are stale. */
  receipt: string | undefined;
}

/**
 * An in-process Queue with the semantics of SQS: visibility timeouts and redelivery, nack with
 * delay, lease extension, dedup of waiting messages, long polling, and a dead-letter list.
 * Messages are delivered oldest first. A stale receipt (the message was delivered again since)
 * is ignored by `ack`, `nack` and `extendLease`, as the newer delivery owns the message.
 */
export class MemoryQueue implements Queue {
  readonly name = 'memory';
  readonly capabilities: QueueCapabilities = { delay: true, dedup: true, deadLetter: true };
  /** Deliveries before dead-lettering (the `maxReceives` option). */
  readonly maxReceives: number;
  readonly #clock: () => number;
  readonly #entries = new Map<number, Entry>();
  readonly #deadLetters: JobMessage[] = [];
  readonly #waiters = new Set<() => void>();
  #nextId = 1;
  #closed = false;

  constructor(options: MemoryQueueOptions = {}) {
    this.maxReceives = options.maxReceives ?? 5;
    if (!Number.isInteger(this.maxReceives) || this.maxReceives < 1) {
      throw configError('maxReceives must be a positive integer', {
        maxReceives: this.maxReceives,
      });
    }
    this.#clock = options.clock ?? Date.now;
  }

  async send(message: JobMessage, options: SendOptions = {}): Promise<void> {
    if (this.#closed)
      throw new ExportkitError('QUEUE_ERROR', '[exportkit] [memory] The queue is closed.');
    const delayMs = nonNegative(options.delayMs ?? 0, 'delayMs');
    const now = this.#clock();
    const { dedupId } = options;
    if (dedupId !== undefined) {
      for (const entry of this.#entries.values()) {
        if (entry.dedupId === dedupId && !isInFlight(entry, now)) return;
      }
    }
    const id = this.#nextId++;
    this.#entries.set(id, {
      id,
      body: structuredClone(message),
      dedupId,
      visibleAt: now + delayMs,
      receiveCount: 0,
      receipt: undefined,
    });
    this.#wake();
  }

  /** Returns as soon as at least one message is deliverable, or `[]` after `waitTimeMs`. */
  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const visibilityTimeoutMs = positive(options.visibilityTimeoutMs, 'visibilityTimeoutMs');
    const maxMessages = positive(options.maxMessages ?? 1, 'maxMessages');
    const deadline = Date.now() + nonNegative(options.waitTimeMs ?? 0, 'waitTimeMs');
    for (;;) {
      if (options.signal?.aborted || this.#closed) return [];
      const received = this.#take(maxMessages, visibilityTimeoutMs);
      const left = deadline - Date.now();
      if (received.length > 0 || left <= 0) return received;
      await this.#wait(Math.min(left, this.#nextVisibleInMs(), maxTimerMs), options.signal);
    }
  }

  async ack(message: ReceivedMessage): Promise<void> {
    const entry = this.#current(message);
    if (entry) this.#entries.delete(entry.id);
  }

  async nack(message: ReceivedMessage, options: { delayMs?: number } = {}): Promise<void> {
    const delayMs = nonNegative(options.delayMs ?? 0, 'delayMs');
    const entry = this.#current(message);
    if (!entry) return;
    entry.visibleAt = this.#clock() + delayMs;
    entry.receipt = undefined;
    this.#wake();
  }

  async extendLease(message: ReceivedMessage, visibilityTimeoutMs: number): Promise<void> {
    const ms = positive(visibilityTimeoutMs, 'visibilityTimeoutMs');
    const entry = this.#current(message);
    if (entry) entry.visibleAt = this.#clock() + ms;
  }

  /** Ends pending long polls with `[]`; later sends throw `QUEUE_ERROR`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
  }

  /** Bodies moved to the dead letters, oldest first (also moves any now due). */
  async deadLetters(): Promise<JobMessage[]> {
    this.#moveExhausted(this.#clock());
    return structuredClone(this.#deadLetters);
  }

  /** Message counts by state, for tests and health checks. */
  counts(): MemoryQueueCounts {
    const now = this.#clock();
    this.#moveExhausted(now);
    let inFlight = 0;
    for (const entry of this.#entries.values()) if (isInFlight(entry, now)) inFlight++;
    return {
      waiting: this.#entries.size - inFlight,
      inFlight,
      deadLetters: this.#deadLetters.length,
    };
  }

  #take(maxMessages: number, visibilityTimeoutMs: number): ReceivedMessage[] {
    const now = this.#clock();
    this.#moveExhausted(now);
    const received: ReceivedMessage[] = [];
    for (const entry of this.#entries.values()) {
      if (received.length >= maxMessages) break;
      if (entry.visibleAt > now) continue;
      entry.receiveCount++;
      entry.receipt = `${entry.id}.${entry.receiveCount}`;
      entry.visibleAt = now + visibilityTimeoutMs;
      received.push({
        body: structuredClone(entry.body),
        receipt: entry.receipt,
        receiveCount: entry.receiveCount,
      });
    }
    return received;
  }

  /** Like SQS, a message is dead-lettered when it is due again after its last allowed delivery. */
  #moveExhausted(now: number): void {
    for (const entry of this.#entries.values()) {
      if (entry.visibleAt <= now && entry.receiveCount >= this.maxReceives) {
        this.#entries.delete(entry.id);
        this.#deadLetters.push(entry.body);
      }
    }
  }

  #current(message: ReceivedMessage): Entry | undefined {
    const entry = this.#entries.get(Number.parseInt(message.receipt, 10));
    return entry && entry.receipt === message.receipt ? entry : undefined;
  }

  #nextVisibleInMs(): number {
    const now = this.#clock();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#entries.values()) next = Math.min(next, entry.visibleAt - now);
    return Math.max(1, next);
  }

  #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** setTimeout fires at once for delays above 2^31 - 1 ms, so long waits are sliced. */
const maxTimerMs = 2_147_483_647;

function isInFlight(entry: Entry, now: number): boolean {
  return entry.receipt !== undefined && entry.visibleAt > now;
}

function positive(value: number, option: string): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw configError(`${option} must be a positive number`, { [option]: value });
  return value;
}

function nonNegative(value: number, option: string): number {
  if (!(value >= 0) || !Number.isFinite(value))
    throw configError(`${option} must be zero or more`, { [option]: value });
  return value;
}

function configError(problem: string, details: Record<string, unknown>): ExportkitError {
  return new ExportkitError('INVALID_CONFIG', `[exportkit] [memory] ${problem}.`, { details });
}
