export { memoryObjectStoreHandler } from './http-handler.js';
export { MemoryJobStore } from './memory-job-store.js';
export {
  type MemoryDownload,
  MemoryObjectStore,
  type MemoryObjectStoreOptions,
} from './memory-object-store.js';
export { MemoryQueue, type MemoryQueueCounts, type MemoryQueueOptions } from './memory-queue.js';
export {
  type MemoryRowInput,
  MemoryRowSource,
  type MemoryRowSourceOptions,
  type MemoryRows,
  memoryRowSource,
} from './memory-row-source.js';
