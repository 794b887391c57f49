export { attachmentDisposition } from './content-disposition.js';
export type { S3Encryption } from './encryption.js';
export { mapS3Error, type S3Operation } from './s3-errors.js';
export { S3ObjectStore } from './s3-object-store.js';
export type { S3ObjectStoreOptions, S3WarnLogger } from './store-options.js';
