import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  ExportkitError,
  type JobMessage,
  type Queue,
  type QueueCapabilities,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendOptions,
} from '@exportkit/core';
import { sqsLimits, toSeconds } from './durations.js';
import { parseJobMessage, serializeJobMessage } from './job-message.js';
import { isStaleReceipt, mapSqsError } from './sqs-errors.js';

/** Where the adapter reports messages it cannot use (a malformed body). */
export interface SqsWarnLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Options for {@link SqsQueue}. */
export interface SqsQueueOptions {
  /** The SQS client, configured by you (region, credentials, endpoint). Never closed by the queue. */
  client: SQSClient;
  /** The queue URL, as CreateQueue or GetQueueUrl return it. */
  queueUrl: string;
  /**
   * A FIFO queue: sends carry `MessageDeduplicationId` (the send's `dedupId`) and a
   * `MessageGroupId`, and per-message send delays are refused (SQS FIFO has none).
   * @defaultValue `true` when `queueUrl` ends in `.fifo`
   */
  fifo?: boolean;
  /**
   * FIFO only: the message group of a message. One group has at most one message in flight, so
   * the default (one group per export) keeps exports parallel. @defaultValue `message.exportId`
   */
  messageGroupId?: string | ((message: JobMessage) => string);
  /**
   * Informational: the `maxReceiveCount` of the queue's RedrivePolicy. Dead-lettering is
   * configured on the queue, not by this adapter. @defaultValue `undefined`
   */
  maxReceives?: number;
  /** Receives a warning for each message whose body is not a job message. @defaultValue `console` */
  logger?: SqsWarnLogger;
}

/**
 * A {@link Queue} on Amazon SQS. Receives long-poll, leases are the visibility timeout (whole
 * seconds, rounded up), `ack` deletes, `nack` and `extendLease` change the visibility, and
 * messages past the queue's RedrivePolicy `maxReceiveCount` move to its dead-letter queue.
 */
export class SqsQueue implements Queue {
  readonly name = 'sqs';
  readonly capabilities: QueueCapabilities;
  /** The `maxReceives` option, for callers that size `maxAttempts` from it. */
  readonly maxReceives: number | undefined;
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #fifo: boolean;
  readonly #group: (message: JobMessage) => string;
  readonly #logger: SqsWarnLogger;

  constructor(options: SqsQueueOptions) {
    if (typeof options.queueUrl !== 'string' || !/^https?:\/\//.test(options.queueUrl)) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] [sqs] `queueUrl` must be the http(s) URL of an SQS queue.',
      );
    }
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#fifo = options.fifo ?? options.queueUrl.endsWith('.fifo');
    const group = options.messageGroupId;
    this.#group =
      typeof group === 'function' ? group : group === undefined ? (m) => m.exportId : () => group;
    this.#logger = options.logger ?? console;
    this.maxReceives = options.maxReceives;
    this.capabilities = { delay: !this.#fifo, dedup: this.#fifo, deadLetter: true };
  }

  async send(message: JobMessage, options: SendOptions = {}): Promise<void> {
    const delayMs = options.delayMs ?? 0;
    if (this.#fifo && delayMs > 0) {
      throw new ExportkitError(
        'INVALID_CONFIG',
        '[exportkit] [sqs] FIFO queues take no per-message delay; set DelaySeconds on the queue or use a standard queue.',
      );
    }
    const command = new SendMessageCommand({
      QueueUrl: this.#queueUrl,
      MessageBody: serializeJobMessage(message),
      ...(delayMs > 0 ? { DelaySeconds: toSeconds(delayMs, sqsLimits.delay, 'delayMs') } : {}),
      ...(this.#fifo
        ? {
            MessageGroupId: this.#group(message),
            // Without a dedupId the send must not collapse with another: use a unique id.
            MessageDeduplicationId: options.dedupId ?? randomUUID(),
          }
        : {}),
    });
    await this.#call('SendMessage', () => this.#client.send(command));
  }

  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const { signal } = options;
    if (signal?.aborted) return [];
    const command = new ReceiveMessageCommand({
      QueueUrl: this.#queueUrl,
      MaxNumberOfMessages: Math.min(
        Math.max(1, Math.floor(options.maxMessages ?? 1)),
        sqsLimits.batch,
      ),
      VisibilityTimeout: toSeconds(
        options.visibilityTimeoutMs,
        sqsLimits.visibility,
        'visibilityTimeoutMs',
      ),
      // A long poll may end early; SQS waits at most 20 s, so longer waits are cut to that.
      WaitTimeSeconds: Math.min(
        Math.ceil(Math.max(0, options.waitTimeMs ?? 0) / 1000),
        sqsLimits.wait,
      ),
      // The legacy attribute list is the one every SQS emulator honours; SQS itself takes both.
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    let messages: Message[];
    try {
      messages = (await this.#client.send(command, { abortSignal: signal })).Messages ?? [];
    } catch (error) {
      // An aborted long poll resolves with what it received: nothing.
      if (signal?.aborted) return [];
      throw mapSqsError(error, { action: 'ReceiveMessage', queueUrl: this.#queueUrl });
    }
    const received: ReceivedMessage[] = [];
    for (const message of messages) {
      const parsed = parseJobMessage(message.Body);
      if ('problem' in parsed) {
        // Left in flight: it comes back after the visibility timeout and, past maxReceiveCount,
        // lands in the dead-letter queue where someone can look at it.
        this.#logger.warn(
          `[exportkit] [sqs] Ignoring a message that is not a job message: ${parsed.problem}.`,
          {
            messageId: message.MessageId,
          },
        );
        continue;
      }
      received.push({
        body: parsed.message,
        receipt: message.ReceiptHandle ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount) || 1,
      });
    }
    return received;
  }

  async ack(message: ReceivedMessage): Promise<void> {
    const command = new DeleteMessageCommand({
      QueueUrl: this.#queueUrl,
      ReceiptHandle: message.receipt,
    });
    // Deleting twice, or after the lease passed to another consumer, is not an error for ack.
    await this.#call('DeleteMessage', () => this.#client.send(command), {
      ignoreStaleReceipt: true,
    });
  }

  async nack(message: ReceivedMessage, options: { delayMs?: number } = {}): Promise<void> {
    const seconds = toSeconds(options.delayMs ?? 0, sqsLimits.visibility, 'nack delayMs');
    const command = new ChangeMessageVisibilityCommand({
      QueueUrl: this.#queueUrl,
      ReceiptHandle: message.receipt,
      VisibilityTimeout: seconds,
    });
    // A message no longer in flight is already back in the queue: nothing left to return.
    await this.#call('ChangeMessageVisibility', () => this.#client.send(command), {
      ignoreStaleReceipt: true,
    });
  }

  async extendLease(message: ReceivedMessage, visibilityTimeoutMs: number): Promise<void> {
    const command = new ChangeMessageVisibilityCommand({
      QueueUrl: this.#queueUrl,
      ReceiptHandle: message.receipt,
      VisibilityTimeout: toSeconds(
        visibilityTimeoutMs,
        sqsLimits.visibility,
        'visibilityTimeoutMs',
      ),
    });
    try {
      await this.#client.send(command);
    } catch (error) {
      if (isStaleReceipt(error)) {
        throw new ExportkitError(
          'QUEUE_ERROR',
          `[exportkit] [sqs] The lease of message ${message.body.exportId} was lost: it is no longer in flight (acked, or its visibility timeout passed). Heartbeat more often than the visibility timeout.`,
          { cause: error, retryable: false },
        );
      }
      throw mapSqsError(error, { action: 'ChangeMessageVisibility', queueUrl: this.#queueUrl });
    }
  }

  async #call(
    action: string,
    run: () => Promise<unknown>,
    options: { ignoreStaleReceipt?: boolean } = {},
  ): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (options.ignoreStaleReceipt && isStaleReceipt(error)) return;
      throw mapSqsError(error, { action, queueUrl: this.#queueUrl });
    }
  }
}
