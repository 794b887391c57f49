export { parseJobMessage, serializeJobMessage } from './job-message.js';
export type {
  LambdaContextLike,
  SqsBatchResponse,
  SqsEventLike,
  SqsExecuteOutcome,
  SqsJobWorker,
  SqsRecordLike,
} from './lambda-types.js';
export { queueUrlFromArn } from './queue-url.js';
export { mapSqsError, type SqsOperation } from './sqs-errors.js';
export {
  createSqsHandler,
  type SqsHandler,
  type SqsHandlerLogger,
  type SqsHandlerOptions,
} from './sqs-handler.js';
export { SqsQueue, type SqsQueueOptions, type SqsWarnLogger } from './sqs-queue.js';
