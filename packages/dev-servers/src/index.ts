export {
  type S3rverHandle,
  type S3rverOptions,
  s3rverClientConfig,
  s3rverCredentials,
  startS3rver,
} from './s3rver.js';
export { type SelfSignedCertificate, selfSignedCertificate } from './self-signed-certificate.js';
export { startTlsRelay, type TlsRelay, type TlsRelayOptions } from './tls-relay.js';
