export { collect, concatBytes, expectSameBytes, readAll, readText } from './collect.js';
export { parseCsv } from './csv-parse.js';
export { expectExportkitError, hasInCauseChain } from './expect-error.js';
export * from './fixtures.js';
export { jobKey, makeJobMessage, makeJobRecord, randomExportId } from './job-record.js';
export { type JobStoreSuiteOptions, jobStoreConformance } from './job-store.js';
export { type ObjectStoreSuiteOptions, objectStoreConformance } from './object-store.js';
export { invalidKeys } from './object-store-keys.js';
export { type QueueSuiteOptions, queueConformance } from './queue.js';
export { receiveWithin } from './queue-receive.js';
export {
  type RowSourceSuiteCapabilities,
  type RowSourceSuiteOptions,
  rowSourceConformance,
} from './row-source.js';
export { eventually, sleep } from './timing.js';
