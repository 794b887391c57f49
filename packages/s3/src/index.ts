export { attachmentDisposition } from './content-disposition.js';
export type { S3Encryption } from './encryption.js';
export { mapS3Error, type S3Operation } from './s3-errors.js';
export { S3ObjectStore, type S3ObjectStoreOptions, type S3WarnLogger } from './s3-object-store.js';
