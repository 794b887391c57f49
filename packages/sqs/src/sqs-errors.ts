import { ExportkitError } from '@exportkit/core';

/** What the adapter was doing when the SDK failed, for the error message. */
export interface SqsOperation {
  /** The SQS API call, e.g. `'SendMessage'`. */
  action: string;
  queueUrl: string;
}

/** Names as the JSON protocol gives them; see {@link errorName} for the query-compatible ones. */
const configNames = new Set([
  'QueueDoesNotExist',
  'NonExistentQueue',
  'InvalidParameterValue',
  'InvalidAddress',
  'InvalidSecurity',
  'UnsupportedOperation',
]);
const deniedNames = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);

/**
 * The one place SQS SDK errors become exportkit errors. Everything is `QUEUE_ERROR`; a missing
 * queue, a refused parameter or refused credentials are configuration mistakes a retry cannot
 * fix, so those are not retryable. The SDK error is kept as `cause`.
 */
export function mapSqsError(error: unknown, operation: SqsOperation): ExportkitError {
  if (error instanceof ExportkitError) return error;
  const name = errorName(error);
  const reason = error instanceof Error ? error.message : String(error);
  let hint = 'Check the endpoint and network; retrying may help.';
  let retryable = true;
  if (name && configNames.has(name)) {
    hint = 'Check `queueUrl` and the queue type (FIFO or standard) of SqsQueue.';
    retryable = false;
  } else if (name && deniedNames.has(name)) {
    hint = 'Check the credentials and the IAM policy for this queue (see docs/aws.md).';
    retryable = false;
  } else if (name?.startsWith('KMS.')) {
    hint =
      "The queue's KMS key refused: check the key exists, is enabled and its policy allows kms:GenerateDataKey and kms:Decrypt (see docs/aws.md).";
    retryable = false;
  }
  return new ExportkitError(
    'QUEUE_ERROR',
    `[exportkit] [sqs] ${operation.action} on "${operation.queueUrl}" failed: ${name ?? 'error'}: ${reason}. ${hint}`,
    {
      cause: error,
      retryable,
      details: { action: operation.action, ...(name ? { sqsCode: name } : {}) },
    },
  );
}

/**
 * True when SQS says the receipt handle no longer refers to an in-flight message. AWS answers a
 * ChangeMessageVisibility with a superseded handle (the message was deleted, or received again
 * after its visibility passed) with `InvalidParameterValue`, "... for parameter ReceiptHandle is
 * invalid. Reason: Message does not exist or is not available for visibility timeout change";
 * emulators with `MessageNotInflight` or `ReceiptHandleIsInvalid`.
 */
export function isStaleReceipt(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'ReceiptHandleIsInvalid' || name === 'MessageNotInflight') return true;
  const message = error instanceof Error ? error.message : '';
  return name === 'InvalidParameterValue' && /ReceiptHandle/i.test(message);
}

/**
 * The error's SQS code. Query-compatible codes (the `Code` the SDK keeps for SQS's older
 * protocol) carry an `AWS.SimpleQueueService.` prefix that the JSON protocol's names lack.
 */
function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { name?: unknown; Code?: unknown };
  const name = typeof record.Code === 'string' ? record.Code : record.name;
  if (typeof name !== 'string' || name === 'Error') return undefined;
  return name.replace(/^AWS\.SimpleQueueService\./, '');
}
