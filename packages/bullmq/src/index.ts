export { BullMQQueue } from './bullmq-queue.js';
export type { DeadLetter } from './dead-letters.js';
export type { BullMQQueueOptions } from './options.js';
