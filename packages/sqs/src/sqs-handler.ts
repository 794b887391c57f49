import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ExportkitError } from '@exportkit/core';
import { sqsLimits, toSeconds } from './durations.js';
import { parseJobMessage } from './job-message.js';
import type {
  LambdaContextLike,
  SqsBatchResponse,
  SqsEventLike,
  SqsJobWorker,
  SqsRecordLike,
} from './lambda-types.js';
import { queueUrlFromArn } from './queue-url.js';
import { mapSqsError } from './sqs-errors.js';

/** Where the handler reports what it does; pino, console and core's `Logger` fit it. */
export interface SqsHandlerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options for {@link createSqsHandler}. */
export interface SqsHandlerOptions {
  /**
   * Client for ChangeMessageVisibility (lease extension and deferral).
   * @defaultValue `new SQSClient({})`, created on first use (region and credentials from the Lambda environment)
   */
  client?: SQSClient;
  /**
   * The queue URL, or how to get it from a record's `eventSourceARN`.
   * @defaultValue derived from the ARN (`https://sqs.{region}.amazonaws.com/{account}/{name}`)
   */
  queueUrl?: string | ((eventSourceArn: string) => string);
  /** Records of one batch processed at once. Keep the batch size small: exports are long. @defaultValue `1` */
  concurrency?: number;
  /**
   * With a Lambda context, running exports are told to stop this long before the function
   * times out, so they release their job for a redelivery instead of being killed mid-write.
   * @defaultValue `10_000`
   */
  stopBeforeTimeoutMs?: number;
  /** @defaultValue `console` */
  logger?: SqsHandlerLogger;
}

/** A Lambda handler for an SQS event source with `ReportBatchItemFailures`. */
export type SqsHandler = (
  event: SqsEventLike,
  context?: LambdaContextLike,
) => Promise<SqsBatchResponse>;

/**
 * Builds the Lambda handler of an SQS event source (enable `ReportBatchItemFailures` on the
 * event source mapping). For each record: a malformed body is logged and reported as failed,
 * so after `maxReceiveCount` it lands in the dead-letter queue; otherwise `worker.execute` runs
 * with lease extension through ChangeMessageVisibility. Outcomes `succeeded`, `failed` (a
 * business failure, recorded on the job), `cancelled` and `skipped` are not reported, so Lambda
 * deletes the message; `deferred` makes the message visible again after `retryAfterMs` and is
 * reported; a thrown (infrastructure) error is reported for that record only.
 */
export function createSqsHandler(
  worker: SqsJobWorker,
  options: SqsHandlerOptions = {},
): SqsHandler {
  const logger = options.logger ?? console;
  const concurrency = options.concurrency ?? 1;
  const stopBeforeTimeoutMs = options.stopBeforeTimeoutMs ?? 10_000;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      '[exportkit] [sqs] The handler `concurrency` must be a positive integer.',
    );
  }
  let client = options.client;
  const sqs = (): SQSClient => {
    client ??= new SQSClient({});
    return client;
  };
  const queueUrlOf = (record: SqsRecordLike): string => {
    const { queueUrl } = options;
    if (typeof queueUrl === 'string') return queueUrl;
    const arn = record.eventSourceARN ?? '';
    return queueUrl ? queueUrl(arn) : queueUrlFromArn(arn);
  };
  const changeVisibility = async (record: SqsRecordLike, ms: number): Promise<void> => {
    const queueUrl = queueUrlOf(record);
    const command = new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: toSeconds(ms, sqsLimits.visibility, 'visibility timeout'),
    });
    try {
      await sqs().send(command);
    } catch (error) {
      throw mapSqsError(error, { action: 'ChangeMessageVisibility', queueUrl });
    }
  };

  const processRecord = async (record: SqsRecordLike, signal: AbortSignal): Promise<boolean> => {
    const fields = {
      messageId: record.messageId,
      receiveCount: record.attributes?.ApproximateReceiveCount,
    };
    const parsed = parseJobMessage(record.body);
    if ('problem' in parsed) {
      logger.error(
        `[exportkit] [sqs] Malformed job message: ${parsed.problem}. Reported as failed; it ends in the dead-letter queue.`,
        fields,
      );
      return false;
    }
    const job = { ...fields, exportId: parsed.message.exportId, tenantId: parsed.message.tenantId };
    try {
      const result = await worker.execute(parsed.message, {
        extendLease: (ms) => changeVisibility(record, ms),
        signal,
      });
      if (result.outcome !== 'deferred') {
        logger.info(`[exportkit] [sqs] Export ${result.outcome}.`, job);
        return true;
      }
      // Come back when the other worker's lease lapses, not after the full visibility timeout.
      await changeVisibility(record, result.retryAfterMs).catch((error: unknown) => {
        logger.warn('[exportkit] [sqs] Could not shorten the visibility of a deferred message.', {
          ...job,
          error: String(error),
        });
      });
      logger.info('[exportkit] [sqs] Export deferred; the message comes back later.', {
        ...job,
        retryAfterMs: result.retryAfterMs,
      });
      return false;
    } catch (error) {
      logger.error('[exportkit] [sqs] Export run threw; the message will be retried.', {
        ...job,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  };

  return async (event, context) => {
    const stop = new AbortController();
    const timer = context
      ? stopTimer(stop, context.getRemainingTimeInMillis() - stopBeforeTimeoutMs)
      : undefined;
    const failures: { itemIdentifier: string }[] = [];
    const records = [...event.Records];
    // On a FIFO queue a failed record must hold back the records after it, as AWS asks of
    // ReportBatchItemFailures there: they are reported unprocessed and stay in flight with it,
    // so the group's order holds.
    const fifo = records.some((record) => record.eventSourceARN?.endsWith('.fifo'));
    let halted = false;
    /** Runs `record`, or not: true when Lambda may delete its message. */
    const settle = async (record: SqsRecordLike): Promise<boolean> => {
      if (halted) return false;
      if (stop.signal.aborted) {
        // Not started before the deadline: back at once, not after the queue's whole
        // visibility timeout (which AWS advises at six times the function's).
        await changeVisibility(record, 0).catch((error: unknown) => {
          logger.warn('[exportkit] [sqs] Could not return a record not started in time.', {
            messageId: record.messageId,
            error: String(error),
          });
        });
        return false;
      }
      return processRecord(record, stop.signal);
    };
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < records.length) {
        const record = records[next++]!;
        if (!(await settle(record))) {
          failures.push({ itemIdentifier: record.messageId });
          if (fifo) halted = true;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, lane));
    } finally {
      if (timer) clearTimeout(timer);
    }
    return { batchItemFailures: failures };
  };
}

function stopTimer(stop: AbortController, ms: number): NodeJS.Timeout {
  const timer = setTimeout(
    () => {
      stop.abort(
        new ExportkitError(
          'CANCELLED',
          '[exportkit] [sqs] The Lambda function is about to time out.',
          { retryable: true },
        ),
      );
    },
    Math.max(0, ms),
  );
  timer.unref();
  return timer;
}
