/** The small message a queue carries: which export to run. */
export interface JobMessage {
  exportId: string;
  tenantId: string;
}

/** Options for {@link Queue.send}. */
export interface SendOptions {
  /**
   * Messages with the same dedup id sent while one is still waiting collapse into one, where
   * the adapter supports it (`capabilities.dedup`). exportkit passes one id per run of
   * an export (`{exportId}-{run createdAt in ms}`: letters, digits and `-`, under 128 chars).
   */
  dedupId?: string;
  /** Delivery is held back this long. @defaultValue `0` */
  delayMs?: number;
}

/** Options for {@link Queue.receive}. */
export interface ReceiveOptions {
  /** At most this many messages. @defaultValue `1` */
  maxMessages?: number;
  /** Each received message stays invisible to other consumers this long unless acked or extended. */
  visibilityTimeoutMs: number;
  /** Long-poll up to this long when the queue is empty. @defaultValue `0` */
  waitTimeMs?: number;
  /** Ends a long poll early; resolves with what was received so far (possibly nothing). */
  signal?: AbortSignal;
}

/** A message in flight: its body plus the handle needed to ack, nack or extend it. */
export interface ReceivedMessage {
  body: JobMessage;
  /** Adapter-specific handle for this delivery. */
  receipt: string;
  /** 1 on first delivery, incremented on every redelivery. */
  receiveCount: number;
}

/** What a Queue adapter supports; the conformance suite turns groups on or off from it. */
export interface QueueCapabilities {
  /** `send({ delayMs })` and `nack({ delayMs })` hold delivery back. */
  delay: boolean;
  /** `send({ dedupId })` collapses duplicates while one is waiting. */
  dedup: boolean;
  /** Messages received more than `maxReceives` times move to a dead-letter destination. */
  deadLetter: boolean;
}

/**
 * At-least-once delivery of job messages. Redelivery after a crash is the normal case: a
 * message not acked before its visibility timeout is delivered again.
 */
export interface Queue {
  /** Short adapter name used in error messages. */
  readonly name: string;
  readonly capabilities: QueueCapabilities;
  /** Enqueues a message. Throws `QUEUE_ERROR` (retryable) when the backend is unreachable. */
  send(message: JobMessage, options?: SendOptions): Promise<void>;
  /** Receives up to `maxMessages` messages, each leased for `visibilityTimeoutMs`. */
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Removes a delivered message for good. Idempotent for the same receipt. */
  ack(message: ReceivedMessage): Promise<void>;
  /** Returns a message to the queue, visible again after `delayMs` (default 0). */
  nack(message: ReceivedMessage, options?: { delayMs?: number }): Promise<void>;
  /** Extends the lease of an in-flight message to `visibilityTimeoutMs` from now (heartbeat). */
  extendLease(message: ReceivedMessage, visibilityTimeoutMs: number): Promise<void>;
  /** Releases connections the adapter opened itself; injected clients are left open. */
  close?(): Promise<void>;
}
