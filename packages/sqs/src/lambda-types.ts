import type { JobMessage } from '@exportkit/core';

/**
 * The fields of a Lambda SQS event record the handler reads. Structural, so the package needs
 * no `@types/aws-lambda`; `SQSRecord` from that package fits it.
 */
export interface SqsRecordLike {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
  /** `arn:aws:sqs:{region}:{account}:{queue}`: the queue URL is derived from it. */
  eventSourceARN?: string;
}

/** A Lambda SQS event (`SQSEvent` fits it). */
export interface SqsEventLike {
  Records: readonly SqsRecordLike[];
}

/** The partial batch response Lambda reads when the event source has ReportBatchItemFailures. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** The part of a Lambda context the handler uses to stop before the function times out. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** How one execution ended, as the worker reports it (`ExecuteOutcome` of core fits it). */
export type SqsExecuteOutcome =
  | { outcome: 'succeeded' | 'failed' | 'cancelled' | 'skipped' }
  | { outcome: 'deferred'; retryAfterMs: number };

/**
 * What the handler needs from the worker: core's `ExportWorker` fits it. `execute` records
 * business failures on the job and returns; it throws only for infrastructure errors.
 */
export interface SqsJobWorker {
  execute(
    body: JobMessage,
    options: { extendLease?(ms: number): Promise<void>; signal?: AbortSignal },
  ): Promise<SqsExecuteOutcome>;
}
