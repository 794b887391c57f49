export {
  type S3rverHandle,
  type S3rverOptions,
  s3rverClientConfig,
  s3rverCredentials,
  startS3rver,
} from './s3rver.js';
